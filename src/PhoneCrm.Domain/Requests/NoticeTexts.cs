using System.Globalization;

namespace PhoneCrm.Domain.Requests;

/// <summary>
/// What the person is told about their request, in Russian (the language of the operator's answers under 152-FZ). Short
/// enough for an SMS of two or three parts; never the person's data, only the request's number, type and dates, so a
/// notice outlives an erasure without holding anything of the person.
/// </summary>
public static class NoticeTexts
{
    private static readonly CultureInfo _ru = CultureInfo.GetCultureInfo("ru-RU");

    public static string TypeName(string type) => type switch
    {
        SubjectRequestTypes.Access => "о предоставлении сведений",
        SubjectRequestTypes.WithdrawAll => "об отзыве согласий",
        SubjectRequestTypes.Rectify => "об уточнении данных",
        SubjectRequestTypes.Erasure => "об уничтожении данных",
        _ => type,
    };

    public static string Acknowledgement(string operatorName, SubjectRequest request, TimeZoneInfo zone) =>
        $"{operatorName}: ваш запрос {TypeName(request.Type)} принят, номер {request.Number}. Ответим не позднее {Day(request.DueAt, zone)}.";

    public static string Extension(string operatorName, SubjectRequest request, TimeZoneInfo zone) =>
        $"{operatorName}: срок ответа на запрос {request.Number} продлён до {Day(request.DueAt, zone)}. Причина: {request.ExtensionReason}";

    /// <param name="nothingHeld">An access request of a person the operator holds nothing about: the answer says so.</param>
    public static string Completed(string operatorName, SubjectRequest request, bool nothingHeld = false) => request.Type switch
    {
        SubjectRequestTypes.Access when nothingHeld => $"{operatorName}: запрос {request.Number} выполнен, ваши персональные данные у нас не обрабатываются.",
        SubjectRequestTypes.Access => $"{operatorName}: запрос {request.Number} выполнен, сведения об обработке ваших данных подготовлены и направлены вам.",
        SubjectRequestTypes.WithdrawAll => $"{operatorName}: запрос {request.Number} выполнен, все ваши согласия отозваны.",
        SubjectRequestTypes.Rectify => $"{operatorName}: запрос {request.Number} выполнен, ваши данные уточнены.",
        SubjectRequestTypes.Erasure => $"{operatorName}: запрос {request.Number} выполнен, ваши персональные данные уничтожены.",
        _ => $"{operatorName}: запрос {request.Number} выполнен.",
    };

    public static string Rejected(string operatorName, SubjectRequest request) =>
        $"{operatorName}: в запросе {request.Number} отказано. Причина: {request.RejectionReason}";

    /// <summary>The self-service page's code.</summary>
    public static string Code(string operatorName, string code) =>
        $"{operatorName}: код подтверждения запроса о ваших данных {code}. Никому его не сообщайте.";

    private static string Day(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("d MMMM yyyy", _ru);
}
