using PhoneCrm.Infrastructure.Requests;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>Requests: data-subject requests and the working-day calendar their deadlines are counted on.</summary>
public static class RequestsModule
{
    public static IServiceCollection AddRequestsModule(this IServiceCollection services)
    {
        services.AddScoped<WorkingCalendars>();
        services.AddScoped<AccessReports>();
        services.AddScoped<BreachRegister>();
        services.AddScoped<BreachNoticeContent>();
        services.AddScoped<SubjectRequests>();
        services.AddScoped<RequestNotices>();
        services.AddScoped<RequestExecution>();
        services.AddScoped<RequestDeadlineJobs>();
        services.AddScoped<SelfServiceRequests>();
        services.AddSingleton(RequestDeadlineJobs.Definition);
        services.AddScoped<AccessReportPdf>();
        services.AddScoped<ErasureTombstones>();
        services.AddScoped<OperatorSettings>();
        services.AddScoped<DestructionActs>();
        services.AddScoped<DestructionActPdf>();
        services.AddScoped<ContactErasure>();
        services.AddScoped<DestructionActsPurgeJob>();
        services.AddSingleton(DestructionActsPurgeJob.Definition);
        services.AddScoped<Retention>();
        services.AddScoped<RetentionJobs>();
        services.AddSingleton(RetentionJobs.Definition);
        return services;
    }
}
