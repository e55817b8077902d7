// Compile-only declarations of the third-party modules the TypeScript fixtures import, for the
// `tsc --noEmit` check in tests/fix.rs (the packages themselves are not installed). Each one keeps
// the real package's names and shapes for the members the fixtures and their fixed output use.

declare module 'axios' {
  export type AxiosHeaderValue = string | string[] | number | boolean | null;
  export interface AxiosBasicCredentials {
    username: string;
    password: string;
  }
  export interface AxiosRequestConfig<D = any> {
    url?: string;
    method?: string;
    baseURL?: string;
    // As axios's RawAxiosRequestHeaders: each header optional, so `process.env.KEY` fits.
    headers?: Partial<Record<string, AxiosHeaderValue>>;
    params?: any;
    data?: D;
    timeout?: number;
    auth?: AxiosBasicCredentials;
  }
  export interface AxiosResponse<T = any> {
    data: T;
    status: number;
    statusText: string;
    headers: Record<string, string>;
  }
  export interface AxiosInstance {
    request<T = any>(config: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    get<T = any>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    delete<T = any>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    head<T = any>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    options<T = any>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    post<T = any>(url: string, data?: any, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    put<T = any>(url: string, data?: any, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    patch<T = any>(url: string, data?: any, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    defaults: { headers: { common: Record<string, AxiosHeaderValue> } };
  }
  export interface AxiosStatic extends AxiosInstance {
    <T = any>(config: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    <T = any>(url: string, config?: AxiosRequestConfig): Promise<AxiosResponse<T>>;
    create(config?: AxiosRequestConfig): AxiosInstance;
  }
  const axios: AxiosStatic;
  export default axios;
}

declare module 'got' {
  export interface Options {
    method?: string;
    prefixUrl?: string;
    headers?: Record<string, string | string[] | undefined>;
    searchParams?: string | URLSearchParams | Record<string, string | number | boolean | null | undefined>;
    json?: unknown;
    body?: string;
    responseType?: 'text' | 'json' | 'buffer';
    username?: string;
    password?: string;
  }
  export interface Response<T = string> {
    body: T;
    statusCode: number;
    headers: Record<string, string | string[] | undefined>;
  }
  export interface ResponsePromise<T = string> extends Promise<Response<T>> {
    json<R = unknown>(): Promise<R>;
    text(): Promise<string>;
  }
  export interface Got {
    (url: string | URL, options?: Options): ResponsePromise;
    get(url: string | URL, options?: Options): ResponsePromise;
    post(url: string | URL, options?: Options): ResponsePromise;
    put(url: string | URL, options?: Options): ResponsePromise;
    patch(url: string | URL, options?: Options): ResponsePromise;
    delete(url: string | URL, options?: Options): ResponsePromise;
    extend(options: Options): Got;
  }
  const got: Got;
  export default got;
}

declare module 'superagent' {
  export interface Response {
    body: any;
    text: string;
    status: number;
    ok: boolean;
  }
  export type CallbackHandler = (err: any, res: Response) => void;
  export interface SuperAgentRequest extends Promise<Response> {
    end(callback?: CallbackHandler): void;
    set(field: string, value: string): this;
    set(fields: Record<string, string>): this;
    query(value: string | Record<string, unknown>): this;
    send(data?: string | object): this;
    auth(user: string, password: string): this;
    type(value: string): this;
    accept(value: string): this;
  }
  export interface SuperAgentStatic {
    get(url: string, callback?: CallbackHandler): SuperAgentRequest;
    get(url: string, data?: string | object, callback?: CallbackHandler): SuperAgentRequest;
    post(url: string): SuperAgentRequest;
    put(url: string): SuperAgentRequest;
    patch(url: string): SuperAgentRequest;
    delete(url: string): SuperAgentRequest;
    del(url: string): SuperAgentRequest;
  }
  const superagent: SuperAgentStatic;
  export default superagent;
}

declare module 'node-fetch' {
  export default function fetch(url: string | URL, init?: RequestInit): Promise<Response>;
}

declare module 'aws-lambda' {
  export interface SNSMessage {
    Message: string;
    Subject?: string;
    TopicArn: string;
  }
  export interface SNSEventRecord {
    EventSource: string;
    Sns: SNSMessage;
  }
  export interface SNSEvent {
    Records: SNSEventRecord[];
  }
}
