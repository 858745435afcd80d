using PhoneCrm.Domain.Messaging;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class CampaignLifecycleTests
{
    private static readonly DateTimeOffset _now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static Campaign In(string status, DateTimeOffset? sendAt = null) =>
        new() { Name = "c", Purpose = "marketing", Text = "t", Status = status, SendAt = sendAt, UpdatedAt = _now.AddDays(-1) };

    public static TheoryData<string, string, bool> Moves => new()
    {
        // action, from, legal
        { "start", CampaignStatus.Draft, true }, { "start", CampaignStatus.Scheduled, true }, { "start", CampaignStatus.Sending, false },
        { "start", CampaignStatus.Paused, false }, { "start", CampaignStatus.Completed, false }, { "start", CampaignStatus.Cancelled, false },
        { "schedule", CampaignStatus.Draft, true }, { "schedule", CampaignStatus.Scheduled, true }, { "schedule", CampaignStatus.Sending, false },
        { "schedule", CampaignStatus.Paused, false }, { "schedule", CampaignStatus.Completed, false },
        { "pause", CampaignStatus.Sending, true }, { "pause", CampaignStatus.Draft, false }, { "pause", CampaignStatus.Scheduled, false },
        { "pause", CampaignStatus.Paused, false }, { "pause", CampaignStatus.Completed, false }, { "pause", CampaignStatus.Cancelled, false },
        { "resume", CampaignStatus.Paused, true }, { "resume", CampaignStatus.Draft, false }, { "resume", CampaignStatus.Scheduled, false },
        { "resume", CampaignStatus.Sending, false }, { "resume", CampaignStatus.Completed, false }, { "resume", CampaignStatus.Cancelled, false },
        { "cancel", CampaignStatus.Draft, true }, { "cancel", CampaignStatus.Scheduled, true }, { "cancel", CampaignStatus.Sending, true },
        { "cancel", CampaignStatus.Paused, true }, { "cancel", CampaignStatus.Completed, false }, { "cancel", CampaignStatus.Cancelled, false },
        { "complete", CampaignStatus.Sending, true }, { "complete", CampaignStatus.Draft, false }, { "complete", CampaignStatus.Scheduled, false },
        { "complete", CampaignStatus.Paused, false }, { "complete", CampaignStatus.Completed, false }, { "complete", CampaignStatus.Cancelled, false },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public void A_move_is_made_only_from_a_status_that_allows_it(string action, string from, bool legal)
    {
        var c = In(from);
        var done = action switch
        {
            "start" => c.Start(_now),
            "schedule" => c.Schedule(_now),
            "pause" => c.Pause(_now),
            "resume" => c.Resume(_now),
            "cancel" => c.Cancel(_now),
            "complete" => c.Complete(_now),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };

        Assert.Equal(legal, done);
        if (!legal)
        {
            // Refused: nothing changed.
            Assert.Equal(from, c.Status);
            Assert.Equal(_now.AddDays(-1), c.UpdatedAt);
            Assert.Null(c.StartedAt);
            Assert.Null(c.CompletedAt);
        }
        else
        {
            Assert.Equal(_now, c.UpdatedAt);
        }
    }

    [Fact]
    public void Start_sends_now_when_no_time_is_set_or_it_has_come()
    {
        var now = In(CampaignStatus.Draft);
        Assert.True(now.Start(_now));
        Assert.Equal((CampaignStatus.Sending, _now), (now.Status, now.StartedAt));

        var due = In(CampaignStatus.Scheduled, sendAt: _now.AddMinutes(-1));
        Assert.True(due.Start(_now));
        Assert.Equal((CampaignStatus.Sending, _now), (due.Status, due.StartedAt));
    }

    [Fact]
    public void Start_with_a_send_time_ahead_schedules_and_does_not_start()
    {
        var c = In(CampaignStatus.Draft, sendAt: _now.AddHours(2));
        Assert.True(c.Start(_now));
        Assert.Equal(CampaignStatus.Scheduled, c.Status);
        Assert.Null(c.StartedAt);
    }

    [Fact]
    public void Cancel_and_complete_record_the_end_pause_and_resume_do_not()
    {
        var cancelled = In(CampaignStatus.Paused);
        Assert.True(cancelled.Cancel(_now));
        Assert.Equal(_now, cancelled.CompletedAt);

        var completed = In(CampaignStatus.Sending);
        Assert.True(completed.Complete(_now));
        Assert.Equal((CampaignStatus.Completed, _now), (completed.Status, completed.CompletedAt));

        var paused = In(CampaignStatus.Sending);
        Assert.True(paused.Pause(_now));
        Assert.True(paused.Resume(_now));
        Assert.Equal(CampaignStatus.Sending, paused.Status);
        Assert.Null(paused.CompletedAt);
        Assert.Null(paused.StartedAt);
    }

    [Fact]
    public void Only_a_paused_campaign_resumes_and_only_a_draft_or_scheduled_one_starts()
    {
        Assert.Equal([CampaignStatus.Paused], CampaignMoves.Resume.From);
        Assert.Equal([CampaignStatus.Draft, CampaignStatus.Scheduled], CampaignMoves.Start.From);
        Assert.Equal([CampaignStatus.Sending], CampaignMoves.Complete.From);
    }
}
