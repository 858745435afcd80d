using PhoneCrm.Domain.Access;

namespace PhoneCrm.Domain.Tests.Access;

/// <summary>Several roles read exactly the union of what each reads: rows and personal data each as far as some role reaches.</summary>
public sealed class ContactVisibilityTests
{
    public static TheoryData<Role[], bool, bool, PersonalDataReach> Cases => new()
    {
        { [Role.Admin], true, true, PersonalDataReach.AllContacts },
        { [Role.Marketer], true, true, PersonalDataReach.AllContacts },
        { [Role.ComplianceOfficer], true, true, PersonalDataReach.AllContacts },
        { [Role.Analyst], true, true, PersonalDataReach.None },
        { [Role.SalesManager], true, false, PersonalDataReach.OwnContacts },
        { [Role.SystemOperator], false, false, PersonalDataReach.None },
        // The whole base masked (Analyst) and their own customers in full (SalesManager) — not the whole base in full.
        { [Role.SalesManager, Role.Analyst], true, true, PersonalDataReach.OwnContacts },
        { [Role.Analyst, Role.SalesManager], true, true, PersonalDataReach.OwnContacts },
        { [Role.SalesManager, Role.Marketer], true, true, PersonalDataReach.AllContacts },
        { [Role.SystemOperator, Role.SalesManager], true, false, PersonalDataReach.OwnContacts },
        { [Role.SystemOperator, Role.Analyst], true, true, PersonalDataReach.None },
        { [], false, false, PersonalDataReach.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rows_and_personal_data_reach_as_far_as_some_role_reaches(Role[] roles, bool any, bool allContacts, PersonalDataReach personal) =>
        Assert.Equal(new ContactVisibility(any, allContacts, personal), RolePermissions.ContactVisibilityOf(roles));

    [Fact]
    public void Only_a_role_without_the_whole_base_is_limited_to_its_own_contacts()
    {
        var ownOnly = Enum.GetValues<Role>().Where(r => RolePermissions.Allows(r, Permission.ContactsRead) && !RolePermissions.Allows(r, Permission.ContactsReadAll));
        Assert.Equal([Role.SalesManager], ownOnly);
    }
}
