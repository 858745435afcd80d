using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using PhoneCrm.Infrastructure.Messaging.Providers;

namespace PhoneCrm.Infrastructure.Messaging.Http;

public static class HttpProvidersServiceCollectionExtensions
{
    /// <summary>Typed clients for SMS.ru and SMSC.ru with retry, circuit breaker and per-attempt timeout.</summary>
    public static IServiceCollection AddHttpSmsProviders(this IServiceCollection services)
    {
        // SMS.ru cannot deduplicate: retry only answers that prove nothing was sent, never a timeout.
        services.AddHttpClient<SmsRuProvider>(SmsRuProvider.HttpClientName)
            .AddResilienceHandler("sms-ru", b => Pipeline(b, r =>
                r.Outcome.Result is { } response ? IsRetryableStatus(response.StatusCode)
                : r.Outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }));
        // SMSC deduplicates by our id: any transient failure may be retried.
        services.AddHttpClient<SmscProvider>(SmscProvider.HttpClientName)
            .AddResilienceHandler("smsc", b => Pipeline(b, r =>
                r.Outcome.Result is { } response ? IsRetryableStatus(response.StatusCode)
                : r.Outcome.Exception is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException));
        services.AddScoped<ISmsProvider>(sp => sp.GetRequiredService<SmsRuProvider>());
        services.AddScoped<ISmsProvider>(sp => sp.GetRequiredService<SmscProvider>());
        return services;
    }

    private static bool IsRetryableStatus(HttpStatusCode status) => (int)status >= 500 || status == HttpStatusCode.TooManyRequests;

    private static void Pipeline(ResiliencePipelineBuilder<HttpResponseMessage> b,
        Func<RetryPredicateArguments<HttpResponseMessage>, bool> retryable)
    {
        b.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(retryable(args)),
        });
        b.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(15),
        });
        b.AddTimeout(TimeSpan.FromSeconds(15));
    }
}
