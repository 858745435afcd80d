using PhoneCrm.Infrastructure.Surveys;

namespace PhoneCrm.Web.Features.Surveys;

/// <summary>Surveys: scripts, the call queue under the send policy, the operator console, the quality queue, weekly reports.</summary>
public static class SurveysModule
{
    public static IServiceCollection AddSurveysModule(this IServiceCollection services)
    {
        services.AddScoped<SurveyService>();
        services.AddScoped<SurveyReports>();
        services.AddScoped<SurveysWeeklyReportJob>();
        services.AddSingleton(SurveysWeeklyReportJob.Definition);
        return services;
    }
}
