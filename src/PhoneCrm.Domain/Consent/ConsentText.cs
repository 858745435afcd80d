using System.Security.Cryptography;
using System.Text;

namespace PhoneCrm.Domain.Consent;

/// <summary>
/// A consent text as shown to the person. 152-FZ Art. 9 p.4 requires each of these parts; since 01.09.2025 the
/// consent is a separate document, so the text stands alone.
/// </summary>
public sealed record ConsentTextContent(
    string OperatorName,
    string OperatorAddress,
    string Purposes,
    string DataList,
    string ActionsAndMethods,
    string Term,
    string Withdrawal,
    string Body)
{
    /// <summary>Field name → what is missing, for every required part left empty.</summary>
    public IReadOnlyDictionary<string, string> Missing()
    {
        var missing = new Dictionary<string, string>();
        void Need(string name, string value, string what)
        {
            if (string.IsNullOrWhiteSpace(value)) missing[name] = what;
        }

        Need(nameof(OperatorName), OperatorName, "the operator's name");
        Need(nameof(OperatorAddress), OperatorAddress, "the operator's address");
        Need(nameof(Purposes), Purposes, "the purposes of processing");
        Need(nameof(DataList), DataList, "the list of personal data");
        Need(nameof(ActionsAndMethods), ActionsAndMethods, "the actions and methods of processing");
        Need(nameof(Term), Term, "the term of validity");
        Need(nameof(Withdrawal), Withdrawal, "how to withdraw the consent");
        Need(nameof(Body), Body, "the text shown to the person");
        return missing;
    }

    /// <summary>SHA-256 of the exact parts, so the proof can show the text is the one that was shown.</summary>
    public string Hash() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f',
        OperatorName, OperatorAddress, Purposes, DataList, ActionsAndMethods, Term, Withdrawal, Body)))).ToLowerInvariant();
}
