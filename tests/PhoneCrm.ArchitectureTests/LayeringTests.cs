using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using NetArchTest.Rules;
using PhoneCrm.Infrastructure.Database;
using PhoneCrm.Infrastructure.Protection;
using PhoneCrm.Web.Features.Access;

namespace PhoneCrm.ArchitectureTests;

/// <summary>
/// The layering of issue 16, read from the compiled assemblies: the Domain knows no framework, controllers reach data
/// only through application services of Infrastructure, and a feature of Web uses another only through named shared types.
/// </summary>
public sealed class LayeringTests
{
    private const string FeaturesNamespace = "PhoneCrm.Web.Features.";
    private static readonly Assembly Domain = typeof(PhoneCrm.Domain.Access.Role).Assembly;
    private static readonly Assembly Web = typeof(UiController).Assembly;

    /// <summary>
    /// The only types a feature may use from another one, each with why it is shared. Anything else a feature needs from
    /// another capability comes through that capability's application service in Infrastructure.
    /// </summary>
    private static readonly string[] SharedAcrossFeatures =
    [
        // Every feature's plumbing: the UI base controller, the permission attribute and the principal's permission checks.
        typeof(UiController).FullName!,
        typeof(RequirePermissionAttribute).FullName!,
        typeof(PrincipalPermissions).FullName!,
        // The row and field scope (masking, own contacts only) that every reader of contacts applies to the caller.
        typeof(PhoneCrm.Web.Features.Contacts.ContactAccess).FullName!,
        // The consent tab of the contact card, shown by Contacts, built from the Consent ledger.
        typeof(PhoneCrm.Web.Features.Consent.ConsentTab).FullName!,
        // The per-IP limit of every anonymous public page: capture forms and the data-subject self-service page.
        typeof(PhoneCrm.Web.Features.Consent.PublicFormLimits).FullName!,
    ];

    [Fact]
    public void Domain_references_neither_EF_Core_nor_ASP_NET_Core()
    {
        var failures = new List<string>();
        foreach (var framework in new[] { "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore" })
        {
            var result = Types.InAssembly(Domain).ShouldNot().HaveDependencyOn(framework).GetResult();
            failures.AddRange(Offenders(result).Select(t => $"{t} depends on {framework}"));
        }

        Assert.True(failures.Count == 0,
            "PhoneCrm.Domain must stay free of persistence and HTTP (they belong to Infrastructure and Web):\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Controllers_take_no_DbContext_write_no_SQL_and_decrypt_nothing()
    {
        var controllers = Web.GetTypes().Where(t => typeof(ControllerBase).IsAssignableFrom(t)).Select(t => t.FullName!).ToList();
        Assert.NotEmpty(controllers);
        (string Dependency, string Why)[] forbidden =
        [
            ("Microsoft.EntityFrameworkCore", "queries or writes through EF Core"),
            (typeof(PhoneCrmDbContext).FullName!, "takes PhoneCrmDbContext"),
            ("Npgsql", "writes SQL through Npgsql"),
            (typeof(PiiProtector).FullName!, "decrypts personal data with PiiProtector"),
        ];
        var failures = new List<string>();
        foreach (var (dependency, why) in forbidden)
        {
            var result = Types.InAssembly(Web).That().MeetCustomRule(new TopLevel(t => controllers.Contains(t.FullName)))
                .ShouldNot().HaveDependencyOn(dependency).GetResult();
            failures.AddRange(Offenders(result).Select(t => $"{t} {why}"));
        }

        Assert.True(failures.Count == 0,
            "Controllers stay thin: move the query, the SQL or the decryption into an application service of the capability "
            + "(src/PhoneCrm.Infrastructure/<Capability>/) and call that:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Features_use_each_other_only_through_named_shared_types()
    {
        var typesByFeature = Web.GetTypes()
            .Where(t => !t.IsNested && t.Namespace?.StartsWith(FeaturesNamespace, StringComparison.Ordinal) == true)
            .GroupBy(t => t.Namespace![FeaturesNamespace.Length..].Split('.')[0])
            .ToDictionary(g => g.Key, g => g.Select(t => t.FullName!).Except(SharedAcrossFeatures).ToArray());
        Assert.True(typesByFeature.Count > 1, "No feature folders found under " + FeaturesNamespace);

        var failures = new List<string>();
        foreach (var feature in typesByFeature.Keys)
        {
            foreach (var (other, types) in typesByFeature.Where(f => f.Key != feature && f.Value.Length > 0))
            {
                var result = Types.InAssembly(Web).That().MeetCustomRule(new TopLevel(t => t.Namespace == FeaturesNamespace + feature))
                    .ShouldNot().HaveDependencyOnAny(types).GetResult();
                failures.AddRange(Offenders(result).Select(t => $"{t} uses Features.{other}"));
            }
        }

        Assert.True(failures.Count == 0,
            "A feature reaches into another one. Call that capability's application service in Infrastructure instead, "
            + "or, for plumbing every feature shares, name the type in SharedAcrossFeatures:\n" + string.Join('\n', failures));
    }

    /// <summary>The failing types by name; nested compiler-generated types (async bodies, lambdas) by their declaring type.</summary>
    private static IEnumerable<string> Offenders(TestResult result) =>
        result.IsSuccessful ? [] : (result.FailingTypeNames ?? []).Select(n => n.Split('/', '+')[0]).Distinct().Order(StringComparer.Ordinal);

    /// <summary>
    /// Types whose outermost declaring type matches: a rule about a class covers the nested types the compiler makes of
    /// its lambdas and async methods (Cecil gives nested types no namespace of their own).
    /// </summary>
    private sealed class TopLevel(Func<Mono.Cecil.TypeDefinition, bool> match) : ICustomRule
    {
        public bool MeetsRule(Mono.Cecil.TypeDefinition type)
        {
            var top = type;
            while (top.DeclaringType is not null) top = top.DeclaringType;
            return match(top);
        }
    }
}
