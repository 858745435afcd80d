using PhoneCrm.Domain.Events;
using PhoneCrm.Domain.Messaging;
using PhoneCrm.Domain.Messaging.Automations;

namespace PhoneCrm.Domain.Tests.Messaging;

public sealed class AutomationPlannerTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static Automation On(string kind, Action<Automation>? tweak = null)
    {
        var a = Automation.Default(AutomationKind.Find(kind)!);
        a.Enabled = true;
        tweak?.Invoke(a);
        return a;
    }

    private static AutomationTrigger Event(string type, DateTimeOffset? at = null, DateTimeOffset? appointment = null,
        string[]? categories = null, int unanswered = 0) =>
        new(Guid.NewGuid(), Guid.NewGuid(), type, at ?? _now, appointment, categories ?? [], unanswered);

    [Fact]
    public void Order_confirmation_is_due_at_once()
    {
        var runs = AutomationPlanner.Plan(On(AutomationKind.OrderConfirmation), Event(EventTypes.OrderPlaced), _now);
        var run = Assert.Single(runs);
        Assert.Equal(_now, run.DueAt);
        Assert.Equal(1, run.Step);
    }

    [Fact]
    public void A_disabled_automation_or_another_event_type_plans_nothing()
    {
        var off = Automation.Default(AutomationKind.Find(AutomationKind.OrderConfirmation)!);
        Assert.Empty(AutomationPlanner.Plan(off, Event(EventTypes.OrderPlaced), _now));
        Assert.Empty(AutomationPlanner.Plan(On(AutomationKind.OrderConfirmation), Event(EventTypes.OrderShipped), _now));
    }

    [Fact]
    public void Abandoned_cart_gets_a_message_after_an_hour_and_an_offer_a_day_later()
    {
        var e = Event(EventTypes.CartAbandoned);
        var runs = AutomationPlanner.Plan(On(AutomationKind.CartAbandoned), e, _now);
        Assert.Equal([_now.AddHours(1), _now.AddHours(25)], runs.Select(r => r.DueAt));
        Assert.Equal([$"cart_abandoned:{e.EventId}:1", $"cart_abandoned:{e.EventId}:2"], runs.Select(r => r.DedupeKey));
    }

    [Fact]
    public void Without_a_follow_up_text_the_cart_gets_one_message()
    {
        var runs = AutomationPlanner.Plan(On(AutomationKind.CartAbandoned, a => a.FollowUpText = " "), Event(EventTypes.CartAbandoned), _now);
        Assert.Single(runs);
    }

    [Fact]
    public void Appointment_reminder_is_due_a_day_before_and_as_soon_as_possible_when_booked_late()
    {
        var automation = On(AutomationKind.AppointmentReminder);
        var early = AutomationPlanner.Plan(automation, Event(EventTypes.AppointmentBooked, appointment: _now.AddDays(3)), _now);
        Assert.Equal(_now.AddDays(2), Assert.Single(early).DueAt);

        var late = AutomationPlanner.Plan(automation, Event(EventTypes.AppointmentBooked, appointment: _now.AddHours(5)), _now);
        Assert.Equal(_now, Assert.Single(late).DueAt);

        Assert.Empty(AutomationPlanner.Plan(automation, Event(EventTypes.AppointmentBooked, appointment: _now.AddHours(-1)), _now));
        Assert.Empty(AutomationPlanner.Plan(automation, Event(EventTypes.AppointmentBooked), _now));
    }

    [Fact]
    public void Cross_sell_follows_only_a_purchase_in_its_category_after_the_set_days()
    {
        var automation = On(AutomationKind.CrossSell, a => a.Category = "coffee_machines");
        var bought = AutomationPlanner.Plan(automation, Event(EventTypes.OrderPlaced, categories: ["Coffee_Machines"]), _now);
        Assert.Equal(_now.AddDays(14), Assert.Single(bought).DueAt);
        Assert.Empty(AutomationPlanner.Plan(automation, Event(EventTypes.OrderPlaced, categories: ["garden"]), _now));
    }

    [Fact]
    public void Only_the_second_unanswered_call_in_a_row_hands_off_after_three_days()
    {
        var automation = On(AutomationKind.UnansweredCallHandoff);
        Assert.Empty(AutomationPlanner.Plan(automation, Event(EventTypes.CallUnanswered, unanswered: 1), _now));
        Assert.Equal(_now.AddDays(3), Assert.Single(AutomationPlanner.Plan(automation, Event(EventTypes.CallUnanswered, unanswered: 2), _now)).DueAt);
        Assert.Empty(AutomationPlanner.Plan(automation, Event(EventTypes.CallUnanswered, unanswered: 3), _now));
    }

    [Fact]
    public void Historic_events_do_not_schedule_stale_messages()
    {
        var old = Event(EventTypes.OrderPlaced, at: _now.AddDays(-30));
        Assert.Empty(AutomationPlanner.Plan(On(AutomationKind.OrderConfirmation), old, _now));
        // A cross-sell 14 days after an order placed 10 days ago is still ahead: it is scheduled.
        var recent = Event(EventTypes.OrderPlaced, at: _now.AddDays(-10));
        Assert.Single(AutomationPlanner.Plan(On(AutomationKind.CrossSell), recent, _now));
    }

    [Fact]
    public void Marketing_kinds_carry_an_opt_out_instruction_by_default()
    {
        foreach (var kind in AutomationKind.All.Where(k => k.IsMarketing))
        {
            Assert.True(OptOutRule.HasOptOutInstruction(kind.DefaultText), kind.Code);
            if (kind.DefaultFollowUpText is { } f) Assert.True(OptOutRule.HasOptOutInstruction(f), kind.Code);
        }
    }
}
