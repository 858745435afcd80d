using Microsoft.Extensions.Configuration;
using PhoneCrm.Infrastructure.Hosting;

namespace PhoneCrm.Infrastructure.Tests.Hosting;

/// <summary>Links in an SMS carry the address people reach the app at, never a hard-coded localhost:5000 when another is known.</summary>
public sealed class PublicAddressTests
{
    [Theory]
    [InlineData("https://crm.example/", null, null, "https://crm.example")]
    [InlineData(null, "https://go.example", null, "https://go.example")]
    [InlineData("https://crm.example", "https://go.example", "http://0.0.0.0:8080", "https://crm.example")]
    [InlineData(null, null, "http://0.0.0.0:8080;https://0.0.0.0:8443", "http://localhost:8080")]
    [InlineData(null, null, "http://+:7000", "http://localhost:7000")]
    [InlineData(null, null, "http://crm.internal:5005/", "http://crm.internal:5005")]
    [InlineData(null, null, null, "http://localhost:5000")]
    public void Configured_address_else_the_listen_address_else_the_default(string? publicBase, string? linksBase, string? urls, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["App:PublicBaseUrl"] = publicBase, ["Links:BaseUrl"] = linksBase, ["urls"] = urls,
        }).Build();
        Assert.Equal(expected, PublicAddress.Of(config));
    }
}
