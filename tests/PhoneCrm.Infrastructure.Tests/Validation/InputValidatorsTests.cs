using System.Text.Json;
using System.Text.Json.Nodes;
using PhoneCrm.Infrastructure.Consent;
using PhoneCrm.Infrastructure.Contacts;
using PhoneCrm.Infrastructure.Events;
using PhoneCrm.Infrastructure.Messaging;
using PhoneCrm.Infrastructure.Messaging.Campaigns;
using PhoneCrm.Infrastructure.Segments;

namespace PhoneCrm.Infrastructure.Tests.Validation;

/// <summary>The validators name the API's fields (the problem+json <c>errors</c> keys tests and clients rely on).</summary>
public sealed class InputValidatorsTests
{
    private static readonly DateOnly _today = new(2026, 6, 1);

    [Fact]
    public void Contact_errors_are_keyed_by_api_field_names()
    {
        var input = new ContactInput
        {
            Phone = "12", FirstName = new string('я', 101), LastName = "Пет\nров", Email = "not-an-email", Gender = "robot",
            BirthDate = "01.05.1990", Tags = Enumerable.Range(0, 21).Select(i => $"t{i}").ToList(), SourceChannel = "fax",
            SourceDetail = "d\0", Attributes = new JsonObject { [new string('k', 65)] = 1 }, Status = "erased",
        };

        input.Validate("RU", phoneRequired: true, out var errors, _today);

        Assert.Equal(
            ["attributes", "birthDate", "email", "firstName", "gender", "lastName", "phone", "source.channel", "source.detail", "status", "tags"],
            errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["At most 20 tags."], errors.ByField["tags"]);
        Assert.Equal(["Control characters are not allowed."], errors.ByField["lastName"]);
    }

    [Fact]
    public void A_valid_contact_is_trimmed_and_normalised()
    {
        var valid = new ContactInput
        {
            Phone = "8 (916) 123-45-67", FirstName = " Иван ", Email = "Ivan@Example.ru", Gender = "Male", BirthDate = "1990-05-01",
            Tags = ["  Garden ", "garden", "Сад  и огород"], SourceChannel = "Website",
        }.Validate("RU", phoneRequired: true, out var errors, _today);

        Assert.True(errors.IsValid);
        Assert.Equal(("+79161234567", "Иван", "Ivan@Example.ru", "male", "website"), (valid!.Phone!.E164, valid.FirstName, valid.Email, valid.Gender, valid.SourceChannel));
        Assert.Equal(["garden", "сад и огород"], valid.Tags!);
        Assert.Equal(new DateOnly(1990, 5, 1), valid.BirthDate);
    }

    [Fact]
    public void Grant_errors_name_the_evidence_fields_and_refuse_control_characters_before_any_lookup()
    {
        var now = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var errors = new GrantInputValidator(now).CheckAll(new GrantInput(null, "market\0ing", "fax", "whim", null,
            new ConsentEvidence("telepathy", now.AddDays(1), UserAgent: new string('u', 513))));

        Assert.Equal(["channel", "evidence.capturedAt", "evidence.method", "evidence.userAgent", "legalBasis", "phone", "purpose"],
            errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Control characters are not allowed."], errors.ByField["purpose"]);
        Assert.True(new ConsentEvidenceValidator(now, "method").Check(new ConsentEvidence("nope")).Has("method"));
    }

    [Fact]
    public void Campaign_errors_name_the_ab_test_fields_and_a_marketing_text_needs_an_opt_out()
    {
        var errors = CampaignInputValidator.Instance.Check(new CampaignInput
        {
            Name = "", Purpose = "\0", Category = "loud", Text = "Скидка 30%",
            AbTest = new AbTestInput { VariantB = "Без отписки", TestPercent = 90, DecideAfterMinutes = 0 }, ThrottlePerMinute = 0,
        });

        Assert.Equal(["abTest.decideAfterMinutes", "abTest.testPercent", "abTest.variantB", "category", "name", "purpose", "segmentId", "text",
            "throttlePerMinute"], errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.True(CampaignInputValidator.Instance.Check(new CampaignInput
        {
            Name = "Заказ", SegmentId = Guid.NewGuid(), Purpose = "transactional", Text = "Заказ отправлен",
        }).IsValid);
    }

    [Fact]
    public void Sending_settings_errors_name_nested_fields()
    {
        var errors = SendingSettingsService.Validate(new SendingSettingsDto
        {
            TimeZone = "Mars/Olympus",
            MarketingWindow = new SendingSettingsDto.WindowDto { From = "25:00", To = "21:00", Days = ["mon", "funday"] },
            Caps = new SendingSettingsDto.CapsDto { PerDay = -1, InformationalPerWeek = 2, PromotionalPerMonth = 1001 },
        }, out _);

        Assert.Equal(["caps.perDay", "caps.promotionalPerMonth", "marketingWindow.days", "marketingWindow.from", "timeZone"],
            errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.True(SendingSettingsService.Validate(null, out _).Has("body"));
    }

    [Fact]
    public void Event_errors_name_the_data_fields()
    {
        var input = new EventInput
        {
            Type = "order_placed", ExternalId = "o-1", Phone = "+79161234567",
            Data = JsonNode.Parse("""{"items":[{"price":-1,"category":"garden"}]}""")!.AsObject(),
        };

        Assert.Null(input.Validate("RU", DateTimeOffset.UtcNow, out var errors));
        Assert.Equal(["data.items"], errors.ByField.Keys);
        Assert.Equal(["externalId", "phone", "type"], EventInputValidator.Instance.Check(new EventInput { ExternalId = "x\u0001" })
            .ByField.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Segment_rule_errors_are_keyed_rule_and_the_name_is_required()
    {
        using var rule = JsonDocument.Parse("""{"field":"tags","op":"frobnicate","value":"x"}""");
        var errors = SegmentInputValidator.Instance.Check(new SegmentInput(" ", rule.RootElement));
        Assert.Equal(["name", "rule"], errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("rule.op", errors.ByField["rule"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Inbound_sms_errors_name_the_webhook_fields()
    {
        var errors = InboundInputValidator.Instance.Check(new InboundInput(null, new string('t', 65), null, null, new string('p', 101)));
        Assert.Equal(["from", "providerMessageId", "text", "to"], errors.ByField.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Purpose_errors_are_keyed_by_the_settings_form_fields()
    {
        var errors = PurposeInputValidator.Instance.Check(new PurposeInput("Bad Code", new string('n', 201), 0, ["telepathy"]));
        Assert.Equal(["AllowedBases", "Code", "Name", "ValidityDays"], errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([PurposeInputValidator.CodeFormat], errors.ByField["Code"]);
        Assert.Equal(["Marketing may rest only on consent (38-FZ Art. 18)."],
            PurposeInputValidator.Instance.Check(new PurposeInput("marketing", "", null, ["consent", "contract"])).ByField["AllowedBases"]);
    }

    [Fact]
    public void Consent_text_errors_name_the_missing_parts_and_the_purposes()
    {
        var content = new PhoneCrm.Domain.Consent.ConsentTextContent("ООО", "", "p", "d", "a", "t", new string('w', ConsentTexts.PartMax + 1), "b");
        var errors = ConsentTextInputValidator.Instance.Check(new ConsentTextInput(content, []));
        Assert.Equal(["OperatorAddress", "PurposeCodes", "Withdrawal"], errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["the operator's address"], errors.ByField["OperatorAddress"]);
        Assert.Equal([ConsentTextInputValidator.TooLong], errors.ByField["Withdrawal"]);
    }

    [Fact]
    public void Capture_form_errors_are_keyed_by_the_input_properties()
    {
        var errors = CaptureFormInputValidator.Instance.Check(new CaptureFormInput(" ", true, [], null, new string('t', 1001),
            "ftp://shop.example", "privacy", true));
        Assert.Equal(["Name", "PrivacyPolicyUrl", "PurposeCodes", "RedirectUrl", "TextVersionId", "ThankYouText"],
            errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Too long."], errors.ByField["ThankYouText"]);
        Assert.Equal([CaptureFormInputValidator.WebAddress], errors.ByField["RedirectUrl"]);
    }

    [Fact]
    public void Automation_errors_are_keyed_by_the_page_fields_and_marketing_needs_the_opt_out()
    {
        var errors = PhoneCrm.Infrastructure.Messaging.Automations.AutomationInputValidator.Service.Check(
            new PhoneCrm.Infrastructure.Messaging.Automations.AutomationInput(true, " ", new string('f', 1001), -1, new string('c', 101), new string('p', 51)));
        Assert.Equal(["category", "delayMinutes", "followUpText", "promoCode", "text"], errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Enter the message text."], errors.ByField["text"]);
        var marketing = PhoneCrm.Infrastructure.Messaging.Automations.AutomationInputValidator.Marketing.Check(
            new PhoneCrm.Infrastructure.Messaging.Automations.AutomationInput(true, "Скидка 10%", null, null, null, null));
        Assert.Equal(["text"], marketing.ByField.Keys);
    }

    [Fact]
    public void Public_form_submission_errors_are_keyed_phone_name_purposes()
    {
        var errors = SubmissionInputValidator.Instance.Check(new SubmissionInput("12", new string('я', 101), ["marketing"], ["surveys"], "RU"));
        Assert.Equal(["name", "phone", "purposes"], errors.ByField.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([SubmissionInputValidator.NotAPhone], errors.ByField["phone"]);
        Assert.Equal(["This form does not offer that purpose."], errors.ByField["purposes"]);
        Assert.True(SubmissionInputValidator.Instance.Check(new SubmissionInput("+7 916 123-45-67", null, ["surveys"], ["surveys"], "RU")).IsValid);
    }
}
