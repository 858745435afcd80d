using Microsoft.Extensions.Configuration;

namespace PhoneCrm.Infrastructure.Hosting;

/// <summary>
/// The one address people reach the app at, for links that leave it (short links and preference links in SMS):
/// <c>App:PublicBaseUrl</c>; else the older <c>Links:BaseUrl</c>; else the first address it listens on
/// (<c>ASPNETCORE_URLS</c>/<c>--urls</c>, a wildcard host read as localhost); else <c>http://localhost:5000</c>.
/// </summary>
public static class PublicAddress
{
    public const string Default = "http://localhost:5000";

    public static string Of(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var configured = config["App:PublicBaseUrl"] ?? config["Links:BaseUrl"];
        if (!string.IsNullOrWhiteSpace(configured)) return configured.Trim().TrimEnd('/');
        var listen = config["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (listen is null) return Default;
        foreach (var wildcard in new[] { "://0.0.0.0", "://*", "://+", "://[::]" })
            listen = listen.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        return listen.TrimEnd('/');
    }
}
