using PhoneCrm.Domain.Consent;
using PhoneCrm.Domain.Events;

namespace PhoneCrm.Domain.Messaging.Automations;

/// <summary>
/// A built-in event-triggered message (PRODUCT §2.4). The kind fixes what triggers it, under which consent purpose and
/// send category it goes, and its default text; the tenant edits text, delay and the on/off switch.
/// </summary>
/// <param name="TriggerEvent">Event type that starts a run; null for calendar-driven kinds (birthday).</param>
/// <param name="DefaultDelay">Delay after the trigger (for appointment reminders: lead time before the appointment).</param>
/// <param name="Handoff">The run records a handoff to another channel instead of sending an SMS.</param>
public sealed record AutomationKind(
    string Code,
    string? TriggerEvent,
    string Purpose,
    string Category,
    TimeSpan DefaultDelay,
    string DefaultText,
    string? DefaultFollowUpText = null,
    TimeSpan? FollowUpDelay = null,
    bool Handoff = false)
{
    public const string OrderConfirmation = "order_confirmation";
    public const string ShippingStatus = "shipping_status";
    public const string CartAbandoned = "cart_abandoned";
    public const string AppointmentReminder = "appointment_reminder";
    public const string PaymentDue = "payment_due";
    public const string Birthday = "birthday";
    public const string CrossSell = "cross_sell";
    public const string UnansweredCallHandoff = "unanswered_call_handoff";

    private const string OptOut = " Отписка: СТОП";

    public static IReadOnlyList<AutomationKind> All { get; } =
    [
        new(OrderConfirmation, EventTypes.OrderPlaced, ConsentTerms.Transactional, SmsCategories.Transactional, TimeSpan.Zero,
            "{{firstName|Здравствуйте}}, заказ №{{orderNumber}} на {{amount}} ₽ принят. Спасибо!"),
        new(ShippingStatus, EventTypes.OrderShipped, ConsentTerms.Transactional, SmsCategories.Transactional, TimeSpan.Zero,
            "Заказ №{{orderNumber}} отправлен. Трек-номер: {{trackingNumber|сообщим позже}}"),
        new(CartAbandoned, EventTypes.CartAbandoned, ConsentTerms.Marketing, SmsCategories.Promotional, TimeSpan.FromHours(1),
            "{{firstName|Здравствуйте}}, вы оставили товары в корзине: {{link}}" + OptOut,
            "{{firstName|Здравствуйте}}, товары ещё ждут вас. Ваш промокод {{promoCode}} — скидка на заказ: {{link}}" + OptOut,
            TimeSpan.FromHours(24)),
        new(AppointmentReminder, EventTypes.AppointmentBooked, ConsentTerms.Transactional, SmsCategories.Informational, TimeSpan.FromHours(24),
            "Напоминаем о записи {{appointmentAt}}. Ждём вас!"),
        new(PaymentDue, EventTypes.PaymentDue, ConsentTerms.Transactional, SmsCategories.Informational, TimeSpan.Zero,
            "Напоминаем об оплате заказа №{{orderNumber}} на {{amount}} ₽."),
        new(Birthday, null, ConsentTerms.Marketing, SmsCategories.Promotional, TimeSpan.FromHours(10),
            "{{firstName|Здравствуйте}}, с днём рождения! Ваш подарок — промокод {{promoCode}}." + OptOut),
        new(CrossSell, EventTypes.OrderPlaced, ConsentTerms.Marketing, SmsCategories.Promotional, TimeSpan.FromDays(14),
            "{{firstName|Здравствуйте}}, пора пополнить запасы для вашей покупки: {{link}}" + OptOut),
        new(UnansweredCallHandoff, EventTypes.CallUnanswered, ConsentTerms.Transactional, SmsCategories.Informational, TimeSpan.FromDays(3),
            "Мы не смогли до вас дозвониться и напишем в мессенджер.", Handoff: true),
    ];

    public static AutomationKind? Find(string? code) => All.FirstOrDefault(k => k.Code == code);

    /// <summary>Marketing automations must carry an opt-out instruction, like marketing templates.</summary>
    public bool IsMarketing => Purpose == ConsentTerms.Marketing;
}
