using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PhoneCrm.Domain.Access;
using PhoneCrm.Infrastructure.Access;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Tenancy;

namespace PhoneCrm.IntegrationTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    public const string Name = "app";
}

/// <summary>One running app per test assembly; every test makes its own tenants, so tests never share data.</summary>
public class AppFixture : IAsyncLifetime
{
    public PhoneCrmFactory Factory { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Factory = CreateFactory(await TestDatabase.GetConnectionStringAsync());
        Factory.StartServer(); // start now: migrations run once, before any test
    }

    protected virtual PhoneCrmFactory CreateFactory(string connectionString) => new(connectionString);

    public virtual async Task DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>A fresh tenant made the way the CLI makes one.</summary>
    public async Task<TestTenant> CreateTenantAsync(string? name = null)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<TenantProvisioner>()
            .CreateAsync(name ?? $"Tenant {Guid.NewGuid():N}", $"admin-{Guid.NewGuid():N}@test.phonecrm", mustChangePassword: false);
        return new TestTenant(this, result.TenantId, result.AdminEmail, result.AdminPassword, result.ApiKey);
    }

    /// <summary>A platform operator made the way the CLI makes one, past the first sign-in's password change and with TOTP enrolled.</summary>
    public async Task<TestUser> CreatePlatformOperatorAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<PhoneCrm.Infrastructure.Platform.PlatformOperators>()
            .CreateAsync($"ops-{Guid.NewGuid():N}@test.phonecrm");
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByEmailAsync(created.Email))!;
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        await users.ResetAuthenticatorKeyAsync(user);
        var key = await users.GetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return new TestUser(user.Id, created.Email, created.Password, key);
    }

    /// <summary>A DI scope whose database connections run as the given tenant.</summary>
    public async Task<T> InTenantAsync<T>(Guid tenantId, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return await work(scope.ServiceProvider);
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = BaseAddress });
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        return client;
    }

    public UiSession Session() =>
        new(Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = BaseAddress }));

    /// <summary>HTTPS, as a browser reaches a deployment: outside Development every cookie is Secure and plain HTTP would not return it.</summary>
    public static readonly Uri BaseAddress = new("https://localhost");
}

public sealed record TestUser(Guid Id, string Email, string Password, string? AuthenticatorKey);

public sealed record TestTenant(AppFixture App, Guid Id, string AdminEmail, string AdminPassword, string ApiKey)
{
    public HttpClient Api(string? key = null) => App.Client(key ?? ApiKey);

    /// <summary>A member with the given roles; roles that require MFA get an enrolled authenticator.</summary>
    public Task<TestUser> AddUserAsync(params Role[] roles) => App.InTenantAsync(Id, async sp =>
    {
        var provisioner = sp.GetRequiredService<TenantProvisioner>();
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var email = $"{string.Join("-", roles).ToLowerInvariant()}-{Guid.NewGuid():N}@test.phonecrm";
        const string password = "Test-Pass-123!";
        var user = await provisioner.EnsureUserAsync(email, password, mustChangePassword: false);
        await provisioner.AddMemberAsync(user.Id, roles);
        string? key = null;
        if (roles.Any(Roles.RequiresMfa))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        return new TestUser(user.Id, email, password, key);
    });

    /// <summary>A signed-in browser-like session for a new member with these roles.</summary>
    public async Task<UiSession> SignInAsync(params Role[] roles)
    {
        var user = await AddUserAsync(roles);
        var session = App.Session();
        await session.SignInAsync(user);
        return session;
    }

    public Task<T> WithDbAsync<T>(Func<PhoneCrmDbContext, Task<T>> work) =>
        App.InTenantAsync(Id, sp => work(sp.GetRequiredService<PhoneCrmDbContext>()));
}
