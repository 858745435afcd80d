using PhoneCrm.Infrastructure.Requests;

namespace PhoneCrm.Web.Features.Requests;

/// <summary>The wire shape of api-v1 "Destruction acts".</summary>
public sealed record DestructionActDto(
    Guid Id, string Number, DestructionActDto.OperatorDto Operator, DestructionActDto.SubjectDto Subject, IReadOnlyList<string> Categories,
    string InformationSystem, string Reason, Guid? RequestId, string Method, DateTimeOffset DestroyedAt, string DestroyedBy,
    IReadOnlyList<DestructionActDto.LogLineDto> LogExtract)
{
    public sealed record OperatorDto(string Name, string Address);

    public sealed record SubjectDto(string? FullName);

    public sealed record LogLineDto(DateTimeOffset At, string Action, string? Details);

    public static DestructionActDto From(DestructionActView a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.Id, a.Number, new OperatorDto(a.OperatorName, a.OperatorAddress), new SubjectDto(a.SubjectFullName), a.Categories,
            a.InformationSystem, a.Reason, a.RequestId, a.Method, a.DestroyedAt, a.DestroyedBy,
            [.. a.LogExtract.Select(l => new LogLineDto(l.At, l.Action, l.Details))]);
    }
}
