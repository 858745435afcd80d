using System.Net;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;
using static PhoneCrm.IntegrationTests.Campaigns.CampaignData;

namespace PhoneCrm.IntegrationTests.Operations;

/// <summary>
/// Several app nodes of one installation (issue 18 item 6, docker-compose.yml): a second web node in the same process —
/// same database, same PII key file, no job server — beside the fixture's app, which plays the worker.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SeveralNodesTests(AppFixture app)
{
    [Fact]
    public async Task A_sign_in_on_one_web_node_holds_on_the_other_and_a_campaign_started_there_is_dispatched_by_the_worker()
    {
        await using var webNode = new PhoneCrmFactory(app.Factory.ConnectionString,
            new Dictionary<string, string?> { ["Jobs:Server"] = "false", ["Database:MigrateOnStartup"] = "false" });
        Assert.Equal(app.Factory.KeyFile, webNode.KeyFile); // one key file per test run, as the nodes of one installation
        var nodes = new NodeSwitch(app.Factory.Server.CreateHandler(), webNode.Server.CreateHandler());
        using var browser = new UiSession(new HttpClient(new CookieContainerHandler { InnerHandler = nodes }) { BaseAddress = AppFixture.BaseAddress });
        var tenant = await app.CreateTenantAsync();
        var marketer = await tenant.AddUserAsync(Role.Marketer);

        // Signed in on node 1; node 2 reads the same cookie.
        nodes.Node = 0;
        await browser.SignInAsync(marketer);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/contacts")).StatusCode);
        nodes.Node = 1;
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/campaigns")).StatusCode);

        // A form rendered by node 1 is accepted by node 2 (the antiforgery token), and signing out there ends the session.
        nodes.Node = 0;
        var token = await browser.TokenAsync("/contacts");
        nodes.Node = 1;
        var signOut = await browser.Client.PostAsync("/account/logout",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        nodes.Node = 0;
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/contacts")).StatusCode);

        // A campaign started through the web node (no job server) is dispatched by the worker.
        using var api = new HttpClient(webNode.Server.CreateHandler()) { BaseAddress = AppFixture.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", tenant.ApiKey);
        await OpenWindowAsync(api);
        await GrantAsync(api, Phone(1));
        await GrantAsync(api, Phone(2));
        var campaignId = await CampaignAsync(api, await SegmentAllAsync(api));
        await StartAsync(api, campaignId);
        await WaitAsync(api, campaignId);
        Assert.Equal(2, (await OutboxAsync(api, campaignId)).Count);
    }

    /// <summary>Sends each request to the node chosen (as a proxy would), one cookie jar for both.</summary>
    private sealed class NodeSwitch(params HttpMessageHandler[] nodes) : DelegatingHandler
    {
        private readonly HttpMessageInvoker[] _nodes = [.. nodes.Select(n => new HttpMessageInvoker(n))];

        public int Node { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _nodes[Node].SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var node in _nodes) node.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
