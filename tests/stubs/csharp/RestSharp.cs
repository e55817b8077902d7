// Compile-only stub for tests/fix.rs: RestSharp 106's request and client members that C# Whispir
// clients use (RestClient, RestRequest, AddHeader, AddParameter, AddQueryParameter, Execute).
// AddDefaultHeader is an extension method in RestSharp; an instance method here reads the same.
using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace RestSharp
{
    public enum Method { GET, POST, PUT, DELETE, HEAD, OPTIONS, PATCH, MERGE, COPY }

    public enum ParameterType { Cookie, GetOrPost, UrlSegment, HttpHeader, RequestBody, QueryString, QueryStringWithoutEncode }

    public interface IRestRequest
    {
        IRestRequest AddHeader(string name, string value);
        IRestRequest AddParameter(string name, object value);
        IRestRequest AddParameter(string name, object value, ParameterType type);
        IRestRequest AddQueryParameter(string name, string value);
        IRestRequest AddUrlSegment(string name, string value);
        IRestRequest AddJsonBody(object obj);
    }

    public class RestRequest : IRestRequest
    {
        public RestRequest() { }
        public RestRequest(Method method) { }
        public RestRequest(string resource) { }
        public RestRequest(string resource, Method method) { }
        public RestRequest(Uri resource, Method method) { }

        public IRestRequest AddHeader(string name, string value) { return this; }
        public IRestRequest AddParameter(string name, object value) { return this; }
        public IRestRequest AddParameter(string name, object value, ParameterType type) { return this; }
        public IRestRequest AddQueryParameter(string name, string value) { return this; }
        public IRestRequest AddUrlSegment(string name, string value) { return this; }
        public IRestRequest AddJsonBody(object obj) { return this; }
    }

    public interface IRestResponse
    {
        HttpStatusCode StatusCode { get; }
        string Content { get; }
        bool IsSuccessful { get; }
    }

    public interface IRestClient
    {
        Uri BaseUrl { get; set; }
        IRestClient AddDefaultHeader(string name, string value);
        IRestResponse Execute(IRestRequest request);
        Task<IRestResponse> ExecuteAsync(IRestRequest request, CancellationToken cancellationToken = default(CancellationToken));
    }

    public class RestClient : IRestClient
    {
        public RestClient() { }
        public RestClient(string baseUrl) { }
        public RestClient(Uri baseUrl) { }

        public Uri BaseUrl { get; set; }
        public IRestClient AddDefaultHeader(string name, string value) { return this; }
        public IRestResponse Execute(IRestRequest request) { throw new NotSupportedException("stub"); }
        public Task<IRestResponse> ExecuteAsync(IRestRequest request, CancellationToken cancellationToken = default(CancellationToken)) { throw new NotSupportedException("stub"); }
    }
}
