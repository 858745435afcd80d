using PhoneCrm.Web.Hosting;

var command = CommandLine.Parse(args);
if (command.Error is not null)
{
    await Console.Error.WriteLineAsync(command.Error);
    return 2;
}

var builder = WebApplication.CreateBuilder(command.HostArgs);
builder.AddPhoneCrmLogging(quiet: command.IsCommand);
var database = await DatabaseSetup.ResolveAsync(builder, quiet: command.IsCommand);
builder.Services.AddPhoneCrm(builder.Configuration, builder.Environment);

var app = builder.Build();
app.Services.GetRequiredService<DatabaseSetup.EmbeddedHandle>().StopWith(app.Lifetime);

if (command.IsCommand)
    return await command.RunAsync(app);

// The demo's passwords are published (README): it exists only in Development, never in a deployment.
var seedDemo = (command.SeedDemo || database.IsEmbedded) && app.Environment.IsDevelopment();
if (command.SeedDemo && !app.Environment.IsDevelopment())
    await Console.Error.WriteLineAsync("--seed-demo is ignored outside Development: the demo's passwords are published.");
await DatabaseSetup.PrepareAsync(app, seedDemo);
app.UsePhoneCrm();
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
