namespace PhoneCrm.Web;

/// <summary>Marker for the shared UI strings: keys are English, <c>Resources/SharedResource.ru.resx</c> has Russian.</summary>
public sealed class SharedResource;
