using PhoneCrm.Infrastructure.Consent;

namespace PhoneCrm.Web.Features.Consent;

/// <summary>Consent: the ledger, purposes and texts, capture forms, preference links, proofs and the public pages' limits.</summary>
public static class ConsentModule
{
    public static IServiceCollection AddConsentModule(this IServiceCollection services, IConfiguration config)
    {
        services.AddScoped<ConsentPurposes>();
        services.AddScoped<ConsentTexts>();
        services.AddScoped<ConsentLedger>();
        services.AddScoped<ProofPdf>();
        services.AddScoped<MessageConsentProofs>();
        services.AddScoped<MessageProofPdf>();
        services.AddScoped<CampaignProofArchive>();
        services.AddScoped<CaptureForms>();
        services.AddScoped<PublicSafetySettings>();
        services.AddScoped<FormSubmissions>();
        services.AddScoped<IConsentCodeSender, OutboxConsentCodeSender>();
        services.AddScoped<PreferenceLinks>();
        services.AddScoped<ContactPreferences>();
        services.AddScoped<ConsentChainCheckpointJob>();
        services.AddSingleton(ConsentChainCheckpointJob.Definition);
        services.AddPublicFormLimits(config);
        return services;
    }
}
