using System.Globalization;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;
using Microsoft.EntityFrameworkCore;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Audit;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Jobs;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Infrastructure.Tenancy;
using PhoneCrm.Web.Features.Access;
using PhoneCrm.Web.Features.Analytics;
using PhoneCrm.Web.Features.Audiences;
using PhoneCrm.Web.Features.Audit;
using PhoneCrm.Web.Features.Consent;
using PhoneCrm.Web.Features.Contacts;
using PhoneCrm.Web.Features.Dashboard;
using PhoneCrm.Web.Features.Events;
using PhoneCrm.Web.Features.Hygiene;
using PhoneCrm.Web.Features.Imports;
using PhoneCrm.Web.Features.Messaging;
using PhoneCrm.Web.Features.Operations;
using PhoneCrm.Web.Features.Platform;
using PhoneCrm.Web.Features.Requests;
using PhoneCrm.Web.Features.Segments;
using PhoneCrm.Web.Features.Surveys;

namespace PhoneCrm.Web.Hosting;

public static class ServiceRegistration
{
    public const string SmartScheme = "PhoneCrm";
    public static readonly CultureInfo[] Cultures = [new("ru-RU"), new("en-US")];

    public static IServiceCollection AddPhoneCrm(this IServiceCollection services, IConfiguration config, IWebHostEnvironment env)
    {
        var connectionString = config.GetConnectionString(DatabaseSetup.ConnectionName)!;
        services.AddSingleton(TimeProvider.System);
        // A Hangfire job's scope starts as the job's tenant (TenantJobFilter); a request's is set once it is authenticated.
        services.AddScoped(_ =>
        {
            var tenant = new TenantContext();
            tenant.Set(TenantJobFilter.CurrentJobTenant);
            return tenant;
        });
        services.AddScoped<TenantClock>();
        var jobServer = config.GetValue("Jobs:Server", true);
        services.AddAuditModule()
            .AddAccessModule()
            .AddDashboardModule()
            .AddContactsModule(jobServer)
            .AddImportsModule(jobServer)
            .AddEventsModule()
            .AddSegmentsModule()
            .AddConsentModule(config)
            .AddMessagingModule(config, jobServer)
            .AddRequestsModule()
            .AddHygieneModule()
            .AddPlatformModule()
            .AddAnalyticsModule()
            .AddAudiencesModule()
            .AddSurveysModule();
        services.AddRateLimits(config);
        services.AddTelemetry(config);
        // Keys from Protection:* config, else a generated key file beside the embedded data directory.
        services.AddPiiProtection(config, DatabaseSetup.DefaultKeyFile(config));
        services.AddSingleton(sp => new DatabaseMigrator(connectionString, sp.GetRequiredService<ILogger<DatabaseMigrator>>()));
        services.AddDbContext<PhoneCrmDbContext>((sp, o) => o
            .UseNpgsql(connectionString, n => n.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(new TenantConnectionInterceptor(sp.GetRequiredService<TenantContext>())));

        // Outside Development every cookie is Secure whatever the request says (a proxy may speak plain HTTP to us).
        var secureCookies = env.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        services.Configure<CookiePolicyOptions>(o => o.Secure = secureCookies);
        AddIdentity(services, config, secureCookies);
        AddJobs(services, config, connectionString);

        services.AddDataProtection()
            .SetApplicationName("PhoneCrm")
            .PersistKeysToDbContext<PhoneCrmDbContext>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<PiiProtector>((o, protector) => o.XmlEncryptor = new PiiKeyXmlEncryptor(protector));

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            o.SupportedCultures = o.SupportedUICultures = Cultures;
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider()];
        });

        services.AddControllersWithViews(o =>
            {
                o.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
                o.Filters.Add(new ControlCharacterFilter());
                o.Filters.Add<ProtectedDataFilter>();
                o.ModelMetadataDetailsProviders.Add(new SystemTextJsonValidationMetadataProvider());
            })
            .ConfigureApiBehaviorOptions(o =>
            {
                // Authorization must answer before content negotiation: a key without the scope gets 403, not 415.
                o.SuppressConsumesConstraintForFormFileParameters = true;
                o.InvalidModelStateResponseFactory = Hosting.Api.Problems.InvalidModelState;
            })
            .AddRazorOptions(o => o.ViewLocationExpanders.Add(new FeatureViewLocationExpander()))
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(o => o.DataAnnotationLocalizerProvider = (_, f) => f.Create(typeof(SharedResource)));
        services.AddProblemDetails();
        // Cyrillic stays readable in the HTML source instead of becoming &#x…; entities.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddOpenApi(o => o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "phonecrm.csrf";
            // Secure comes from the cookie policy (CookiePolicyOptions above): antiforgery's own Always would refuse every
            // request that reaches the app over plain HTTP from a TLS-terminating proxy.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    private static void AddIdentity(IServiceCollection services, IConfiguration config, CookieSecurePolicy secureCookies)
    {
        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Lockout.MaxFailedAccessAttempts = config.GetValue("Security:MaxFailedLogins", 5);
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(config.GetValue("Security:LockoutMinutes", 15));
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddSignInManager()
            .AddEntityFrameworkStores<PhoneCrmDbContext>()
            // Authenticator keys and recovery codes encrypted at rest (issue 12 item 7).
            .AddUserStore<PhoneCrm.Infrastructure.Access.ProtectedUserStore>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie for pages, API key for /api", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Path.StartsWithSegments("/api") ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies(c => c.ApplicationCookie?.Configure(o =>
            {
                o.Cookie.Name = "phonecrm.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = secureCookies;
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.AccessDeniedPath = "/account/access-denied";
                o.ExpireTimeSpan = TimeSpan.FromHours(10);
                o.SlidingExpiration = true;
            }));

        services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, PlatformPagesResultHandler>();
        // Anything without an explicit permission or [AllowAnonymous] still needs a signed-in caller.
        services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    private static void AddJobs(IServiceCollection services, IConfiguration config, string connectionString)
    {
        // Global and static in Hangfire: added once even when a process builds several hosts (the tests do).
        if (!GlobalJobFilters.Filters.Any(f => f.Instance is TenantJobFilter)) GlobalJobFilters.Filters.Add(new TenantJobFilter());
        if (!GlobalJobFilters.Filters.Any(f => f.Instance is JobMetricsFilter)) GlobalJobFilters.Filters.Add(new JobMetricsFilter());
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(DatabaseMigrator.MigratorConnectionString(connectionString)),
                new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                    // Long imports and dispatches keep their lease by heartbeat instead of being re-queued mid-run.
                    UseSlidingInvisibilityTimeout = true,
                    InvisibilityTimeout = TimeSpan.FromMinutes(5),
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                }));
        // Every capability's recurring jobs (api-v1 "Hygiene jobs"), scheduled under their fixed ids.
        services.AddHostedService<RecurringJobRegistrar>();
        services.AddScoped<TenantJobRunner>();
        // Jobs:Server=false runs a web-only node; a worker node is the same binary with Jobs:Server=true and no traffic.
        if (config.GetValue("Jobs:Server", true))
        {
            services.AddHangfireServer(o =>
            {
                o.WorkerCount = config.GetValue("Jobs:WorkerCount", Math.Max(2, Environment.ProcessorCount * 2));
                o.Queues = ["critical", "default", "bulk"];
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        }
    }
}
