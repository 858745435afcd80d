using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.IntegrationTests.Consent;

/// <summary>
/// <c>consent-chain-checkpoint</c> (issue 12 item 11): the job records the head it verified; pages and proofs verify from
/// there on; the compliance officer's full re-verification still walks from the first record.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ConsentChainCheckpointTests(AppFixture app)
{
    [Fact]
    public async Task The_job_records_the_verified_head_once_and_verification_continues_from_it()
    {
        var tenant = await app.CreateTenantAsync();
        await GrantAsync(tenant, 5);

        Assert.Equal(1, await RunJobAsync(tenant));
        Assert.Equal(0, await RunJobAsync(tenant)); // nothing appended since: nothing new to record
        var checkpoint = Assert.Single(await tenant.WithDbAsync(db => db.ConsentChainCheckpoints.AsNoTracking().ToListAsync()));
        Assert.Equal((5L, 5L), (checkpoint.Seq, checkpoint.Records));

        await GrantAsync(tenant, 2, first: 5);
        var chain = await VerifyAsync(tenant, whole: false);
        Assert.Equal((true, 7L, checkpoint.VerifiedAt), (chain.Valid, chain.Records, chain.CheckpointAt));

        // A record appended after the checkpoint and then altered: found by the page's walk, and the job records nothing.
        await TamperAsync(tenant, seq: 6);
        Assert.Equal((false, (long?)6), ((await VerifyAsync(tenant, whole: false)).Valid, (await VerifyAsync(tenant, whole: false)).FirstBrokenSeq));
        Assert.Equal(0, await RunJobAsync(tenant));
        Assert.Single(await tenant.WithDbAsync(db => db.ConsentChainCheckpoints.AsNoTracking().ToListAsync()));
    }

    [Fact]
    public async Task A_record_altered_before_the_checkpoint_is_found_by_the_full_verification_on_the_page()
    {
        var tenant = await app.CreateTenantAsync();
        await GrantAsync(tenant, 4);
        Assert.Equal(1, await RunJobAsync(tenant));
        await TamperAsync(tenant, seq: 2);

        // The checkpoint vouches for what it verified; the officer's full walk does not trust it.
        Assert.True((await VerifyAsync(tenant, whole: false)).Valid);
        var whole = await VerifyAsync(tenant, whole: true);
        Assert.Equal((false, (long?)2), (whole.Valid, whole.FirstBrokenSeq));

        using var session = await tenant.SignInAsync(Role.ComplianceOfficer);
        var page = await (await session.GetAsync("/consent")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"chain-checkpoint\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"chain-ok\"", page, StringComparison.Ordinal);
        var verified = await session.PostFormAsync("/consent/verify", [], tokenFrom: "/consent");
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Contains("id=\"chain-broken\"", await verified.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await tenant.WithDbAsync(db => db.AuditLog.CountAsync(a => a.EntityType == "consent_chain" && a.Details!.StartsWith("verified whole"))));
    }

    [Fact]
    public async Task The_application_login_cannot_rewrite_or_remove_a_checkpoint()
    {
        var tenant = await app.CreateTenantAsync();
        await GrantAsync(tenant, 1);
        Assert.Equal(1, await RunJobAsync(tenant));
        var error = await Assert.ThrowsAsync<PostgresException>(() => tenant.WithDbAsync(db =>
            db.Database.ExecuteSqlRawAsync("UPDATE consent_chain_checkpoints SET seq = seq + 100")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        error = await Assert.ThrowsAsync<PostgresException>(() => tenant.WithDbAsync(db =>
            db.Database.ExecuteSqlRawAsync("DELETE FROM consent_chain_checkpoints")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    private static async Task GrantAsync(TestTenant tenant, int count, int first = 0)
    {
        using var api = tenant.Api();
        for (var i = first; i < first + count; i++)
        {
            var r = await api.PostAsJsonAsync("/api/v1/consents", new
            {
                phone = $"+7916555{i:D4}", purpose = "marketing", channel = "sms", legalBasis = "consent", evidence = new { method = "api" },
            });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
    }

    private Task<int> RunJobAsync(TestTenant tenant) => app.InTenantAsync(tenant.Id, sp =>
        sp.GetRequiredService<TenantJobRunner>().RunTenantAsync(ConsentChainCheckpointJob.JobId, tenant.Id, CancellationToken.None));

    private Task<ChainVerification> VerifyAsync(TestTenant tenant, bool whole) => app.InTenantAsync(tenant.Id, sp =>
        whole ? sp.GetRequiredService<ConsentLedger>().VerifyWholeChainAsync(CancellationToken.None)
            : sp.GetRequiredService<ConsentLedger>().VerifyChainAsync(CancellationToken.None));

    /// <summary>What someone with the database owner's password could do: rewrite one record's evidence in place.</summary>
    private async Task TamperAsync(TestTenant tenant, long seq)
    {
        await using var conn = new NpgsqlConnection(app.Factory.ConnectionString);
        await conn.OpenAsync();
        await using var set = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{tenant.Id}', false)", conn);
        await set.ExecuteNonQueryAsync();
        await using var update = new NpgsqlCommand($"UPDATE consent_records SET ip = '10.0.0.1' WHERE seq = {seq}", conn);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }
}
