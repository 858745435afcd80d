using PhoneCrm.Domain.Requests;

namespace PhoneCrm.Domain.Tests.Requests;

public sealed class SubjectRequestTests
{
    private static readonly DateTimeOffset _at = new(2026, 6, 1, 7, 0, 0, TimeSpan.Zero);

    private static SubjectRequest New(string type = SubjectRequestTypes.Access) => new()
    {
        Number = SubjectRequest.FormatNumber(2026, 1), Type = type, Channel = SubjectRequestChannels.Phone, TakenBy = "officer@test",
        ReceivedAt = _at, DueAt = _at.AddDays(15),
    };

    [Theory]
    [InlineData(2026, 1, "DSR-2026-000001")]
    [InlineData(2026, 123, "DSR-2026-000123")]
    [InlineData(2027, 999999, "DSR-2027-999999")]
    public void Numbers_are_the_year_and_six_digits(int year, long sequence, string expected) =>
        Assert.Equal(expected, SubjectRequest.FormatNumber(year, sequence));

    [Fact]
    public void Received_then_verified_then_completed()
    {
        var request = New();

        Assert.Null(request.Verify(VerificationMethods.Document, "passport seen", _at.AddHours(1)));
        Assert.Equal(SubjectRequestStatuses.Verified, request.Status);
        Assert.Equal(VerificationMethods.Document, request.VerificationMethod);
        Assert.Equal("passport seen", request.VerificationNote);
        Assert.Null(request.Complete("report sent", _at.AddHours(2)));
        Assert.Equal(SubjectRequestStatuses.Completed, request.Status);
        Assert.Equal(_at.AddHours(2), request.CompletedAt);
        Assert.False(request.IsOpen);
    }

    [Fact]
    public void An_unverified_request_cannot_be_completed()
    {
        var request = New();

        Assert.NotNull(request.CheckExecutable());
        Assert.NotNull(request.Complete(null, _at));
        Assert.Equal(SubjectRequestStatuses.Received, request.Status);
        Assert.Null(request.CompletedAt);
    }

    [Fact]
    public void A_second_verification_changes_nothing_and_a_closed_request_cannot_move()
    {
        var request = New();
        request.Verify(VerificationMethods.Callback, null, _at);

        Assert.Null(request.Verify(VerificationMethods.Document, "again", _at.AddHours(1)));
        Assert.Equal(VerificationMethods.Callback, request.VerificationMethod);
        Assert.Equal(_at, request.VerifiedAt);

        Assert.Null(request.Reject("not the person", _at.AddHours(2)));
        Assert.Equal(SubjectRequestStatuses.Rejected, request.Status);
        Assert.Equal("not the person", request.RejectionReason);
        Assert.NotNull(request.Reject("again", _at));
        Assert.NotNull(request.Verify(VerificationMethods.Document, null, _at));
        Assert.NotNull(request.Complete(null, _at));
        Assert.NotNull(request.Assign(Guid.NewGuid(), _at));
    }

    [Fact]
    public void Only_an_open_access_request_is_extended_and_only_once()
    {
        var access = New();
        var newDue = access.DueAt.AddDays(7);

        Assert.True(access.CanExtend);
        Assert.Null(access.Extend("archive to search", newDue, _at));
        Assert.Equal(newDue, access.DueAt);
        Assert.False(access.CanExtend);
        Assert.NotNull(access.Extend("again", newDue.AddDays(7), _at));
        Assert.Equal(newDue, access.DueAt);

        Assert.NotNull(New(SubjectRequestTypes.Erasure).Extend("why not", newDue, _at));
        Assert.NotNull(New(SubjectRequestTypes.Rectify).Extend("why not", newDue, _at));
    }

    [Fact]
    public void Overdue_means_open_and_past_the_due_date()
    {
        var request = New();

        Assert.False(request.IsOverdue(request.DueAt.AddSeconds(-1)));
        Assert.True(request.IsOverdue(request.DueAt.AddSeconds(1)));
        request.Verify(VerificationMethods.SmsCode, null, _at);
        request.Complete(null, _at);
        Assert.False(request.IsOverdue(request.DueAt.AddDays(30)));
    }

    [Fact]
    public void Forgetting_the_person_keeps_the_request()
    {
        var request = New(SubjectRequestTypes.Erasure);
        request.PhoneCipher = [1];
        request.PhoneIndex = [2];
        request.FullNameCipher = [3];
        request.EmailCipher = [4];

        request.ForgetPerson();

        Assert.Null(request.PhoneCipher);
        Assert.Null(request.PhoneIndex);
        Assert.Null(request.FullNameCipher);
        Assert.Null(request.EmailCipher);
        Assert.Equal("DSR-2026-000001", request.Number);
    }

    [Fact]
    public void Notices_name_the_request_and_its_day_in_the_tenants_zone_never_the_person()
    {
        var request = New();
        request.DueAt = new DateTimeOffset(2026, 6, 16, 20, 59, 59, TimeSpan.Zero);
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

        var text = NoticeTexts.Acknowledgement("Сад", request, moscow);

        Assert.Equal("Сад: ваш запрос о предоставлении сведений принят, номер DSR-2026-000001. Ответим не позднее 16 июня 2026.", text);
    }
}
