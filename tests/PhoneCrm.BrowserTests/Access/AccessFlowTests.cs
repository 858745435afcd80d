using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PhoneCrm.BrowserTests.Infrastructure;
using PhoneCrm.Domain.Access;
using PhoneCrm.IntegrationTests.Infrastructure;

namespace PhoneCrm.BrowserTests.Access;

[Collection(BrowserCollection.Name)]
public sealed class AccessFlowTests(BrowserFixture app)
{
    [Fact]
    public async Task Marketer_signs_in_and_sees_the_dashboard()
    {
        var tenant = await app.CreateTenantAsync("Сад и огород");
        var user = await tenant.AddUserAsync(Role.Marketer);
        var page = await app.NewPageAsync();

        await page.GotoAsync("/");
        Assert.EndsWith("/account/login?ReturnUrl=%2F", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync("wrong password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Неверный email или пароль");
        await BrowserFixture.ScreenshotAsync(page, "access-01-wrong-password");

        await page.GetByLabel("Пароль", new() { Exact = true }).FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Сад и огород");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation)).ToContainTextAsync("Контакты");
        Assert.Equal(0, await page.Locator("#menu-settings").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "access-02-dashboard");
    }

    [Fact]
    public async Task Admin_enrols_an_authenticator_then_signs_in_with_a_code()
    {
        var tenant = await app.CreateTenantAsync();
        var page = await app.NewPageAsync();

        await BrowserFixture.SignInAsync(page, tenant.AdminEmail, tenant.AdminPassword);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/mfa$"));
        await Assertions.Expect(page.Locator(".qr svg")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "access-03-mfa-enrolment");

        var key = (await page.Locator("#shared-key").InnerTextAsync()).Trim();
        await page.GetByLabel("Введите 6-значный код из приложения").FillAsync("000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Включить" }).ClickAsync();
        await Assertions.Expect(page.Locator(".text-danger")).ToContainTextAsync("Код неверный или устарел");

        await page.GetByLabel("Введите 6-значный код из приложения").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Включить" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes")).ToBeVisibleAsync();
        Assert.Equal(10, (await page.Locator("#recovery-codes").InnerTextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        await BrowserFixture.ScreenshotAsync(page, "access-04-recovery-codes");

        await page.GetByRole(AriaRole.Link, new() { Name = "Продолжить" }).ClickAsync();
        await page.Locator("#userMenu").ClickAsync();
        await page.Locator("#logout").ClickAsync();
        await BrowserFixture.SignInAsync(page, tenant.AdminEmail, tenant.AdminPassword);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login-2fa"));
        await page.GetByLabel("Код", new() { Exact = true }).FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Подтвердить" }).ClickAsync();
        await Assertions.Expect(page.Locator("#menu-settings")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "access-05-admin-dashboard");
    }

    [Fact]
    public async Task Admin_invites_a_user_who_must_change_the_one_time_password()
    {
        var tenant = await app.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(Role.Admin);
        var page = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(page, admin);

        await page.Locator("#menu-settings").ClickAsync();
        // The menu item (the dashboard has a «users» card linking to the same page).
        await page.GetByRole(AriaRole.Link, new() { Name = "Пользователи", Exact = true }).ClickAsync();
        var invite = page.Locator("#invite-form");
        await invite.GetByRole(AriaRole.Button, new() { Name = "Пригласить" }).ClickAsync();
        await Assertions.Expect(invite).ToContainTextAsync("Введите email");
        await Assertions.Expect(invite).ToContainTextAsync("Выберите хотя бы одну роль");

        var email = $"anna-{Guid.NewGuid():N}@shop.test";
        await invite.GetByLabel("Email").FillAsync(email);
        await invite.GetByLabel("Имя").FillAsync("Анна Смирнова");
        await invite.GetByLabel("Маркетолог").CheckAsync();
        await invite.GetByRole(AriaRole.Button, new() { Name = "Пригласить" }).ClickAsync();
        await Assertions.Expect(page.Locator("#invited-password")).ToBeVisibleAsync();
        var oneTime = (await page.Locator("#invited-password").InnerTextAsync()).Trim();
        await Assertions.Expect(page.Locator($"tr[data-email='{email}']")).ToContainTextAsync("Анна Смирнова");
        await BrowserFixture.ScreenshotAsync(page, "access-06-user-invited");

        var newcomer = await app.NewPageAsync();
        await BrowserFixture.SignInAsync(newcomer, email, oneTime);
        await Assertions.Expect(newcomer).ToHaveURLAsync(new Regex("/account/change-password$"));
        await newcomer.GetByLabel("Текущий пароль").FillAsync(oneTime);
        await newcomer.GetByLabel("Новый пароль", new() { Exact = true }).FillAsync("Sad-i-Ogorod-2026");
        await newcomer.GetByLabel("Повторите новый пароль").FillAsync("Sad-i-Ogorod-2026");
        await BrowserFixture.ScreenshotAsync(newcomer, "access-07-change-password");
        await newcomer.GetByRole(AriaRole.Button, new() { Name = "Сохранить" }).ClickAsync();
        await Assertions.Expect(newcomer.GetByRole(AriaRole.Status)).ToContainTextAsync("Пароль изменён");
    }

    [Fact]
    public async Task Language_switches_between_russian_and_english()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/account/login");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Вход в PhoneCrm");

        await page.GetByRole(AriaRole.Button, new() { Name = "EN" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in to PhoneCrm");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        await BrowserFixture.ScreenshotAsync(page, "access-08-english");

        await page.GetByRole(AriaRole.Button, new() { Name = "RU" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Вход в PhoneCrm");
    }
}
