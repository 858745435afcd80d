using PhoneCrm.Infrastructure.Imports;

namespace PhoneCrm.Web.Features.Imports;

/// <summary>
/// Imports: the one pipeline (stored files, the run, its job and the recovery sweeper, which runs on job-server nodes
/// only); each kind's <see cref="IImportRowHandler"/> is registered by its own capability's module.
/// </summary>
public static class ImportsModule
{
    public static IServiceCollection AddImportsModule(this IServiceCollection services, bool jobServer)
    {
        services.AddScoped<ImportFileStore>();
        services.AddScoped<ImportService>();
        services.AddScoped<ImportRun>();
        services.AddScoped<ImportJobs>();
        services.AddScoped<ImportSettle>();
        services.AddScoped<ImportFilesExpiryJob>();
        services.AddSingleton(ImportFilesExpiryJob.Definition);
        if (jobServer) services.AddHostedService<ImportRecoveryService>();
        return services;
    }
}
