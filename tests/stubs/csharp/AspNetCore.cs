// Compile-only stubs for tests/fix.rs: the ASP.NET Core and .NET Framework members that C# Whispir
// clients build query strings and register options with (QueryHelpers.AddQueryString,
// HttpUtility.ParseQueryString, IServiceCollection.Configure).
using System;
using System.Collections.Specialized;

namespace Microsoft.AspNetCore.WebUtilities
{
    public static class QueryHelpers
    {
        public static string AddQueryString(string uri, string name, string value) { return uri; }
    }
}

namespace System.Web
{
    public static class HttpUtility
    {
        public static NameValueCollection ParseQueryString(string query) { return new NameValueCollection(); }
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    public interface IServiceCollection { }

    public static class OptionsServiceCollectionExtensions
    {
        public static IServiceCollection Configure<TOptions>(this IServiceCollection services, Action<TOptions> configureOptions) where TOptions : class { return services; }
    }
}
