using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>
/// Encrypts the ASP.NET data-protection keys (which sign cookies and antiforgery tokens) with the PII key ring before
/// they are stored in the database: a copy of the database alone can neither read them nor forge a sign-in. The ring
/// lives outside the database (key file or configuration); keys stored unencrypted before this still load.
/// </summary>
public sealed class PiiKeyXmlEncryptor(PiiProtector protector) : IXmlEncryptor
{
    internal const string Context = "dataprotection.key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var cipher = protector.Encrypt(plaintextElement.ToString(SaveOptions.DisableFormatting), PiiProtector.Platform, Context)!;
        return new EncryptedXmlInfo(new XElement("piiEncryptedKey", Convert.ToBase64String(cipher)), typeof(PiiKeyXmlDecryptor));
    }
}

/// <summary>Created by data protection through its service provider when it reads a key written by <see cref="PiiKeyXmlEncryptor"/>.</summary>
public sealed class PiiKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var protector = services.GetRequiredService<PiiProtector>();
        var xml = protector.Decrypt(Convert.FromBase64String(encryptedElement.Value), PiiProtector.Platform, PiiKeyXmlEncryptor.Context)
            ?? throw new InvalidOperationException("A data-protection key could not be decrypted with the PII key ring.");
        return XElement.Parse(xml);
    }
}
