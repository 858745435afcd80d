using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Hygiene;
using PhoneCrm.Infrastructure.Hygiene.LineStatus;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Segments;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.Bench;

/// <summary>
/// The app's registrations (ServiceRegistration.AddPhoneCrm) without the web parts, for benchmarks that run the real
/// services and jobs in-process against a bench cluster: campaigns, messaging to the simulator, contacts, consent,
/// audit, the job runner; Hangfire's client discards what the jobs enqueue (a bench measures the job itself).
/// A benchmark adds its own jobs and builds the provider.
/// </summary>
public static class BenchServices
{
    public static ServiceCollection Create(string connectionString, PiiKeyRing ring, PiiProtector pii, BlindIndex blind,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Jobs:Server"] = "false",
            ["Sms:Provider"] = SmsOptions.SimulatorName,
            ["Links:BaseUrl"] = "https://shop.example",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true));
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<TenantContext>();
        services.AddSingleton(ring);
        services.AddSingleton(pii);
        services.AddSingleton(blind);
        services.AddSingleton<IBackgroundJobClient, DiscardingJobClient>();
        services.AddScoped<AuditActor>();
        services.AddScoped<AuditLog>();
        services.AddScoped<ContactService>();
        services.AddScoped<SegmentService>();
        services.AddScoped<ConsentPurposes>();
        services.AddScoped<ConsentLedger>();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddScoped<PreferenceLinks>();
        services.AddScoped<PublicSafetySettings>();
        CampaignServiceCollectionExtensions.AddCampaigns(services, config);
        services.AddMessaging(config, jobServer: false);
        services.AddLineStatusProviders();
        services.AddScoped<ContactEngagement>();
        services.AddScoped<TenantJobRunner>();
        services.AddDbContext<PhoneCrmDbContext>((sp, o) => o
            .UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new TenantConnectionInterceptor(sp.GetRequiredService<TenantContext>())));
        return services;
    }

    public static ServiceProvider Build(this ServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

    /// <summary>Hangfire's client, discarding: the jobs under test enqueue delivery of what they queued; the bench measures the job itself.</summary>
    private sealed class DiscardingJobClient : IBackgroundJobClient
    {
        public string Create(Job job, IState state) => Guid.NewGuid().ToString("N");

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }
}
