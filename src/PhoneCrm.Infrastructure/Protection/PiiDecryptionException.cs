using System.Security.Cryptography;

namespace PhoneCrm.Infrastructure.Protection;

/// <summary>A stored value could not be decrypted: tampered, truncated, wrong context, or unknown key id.</summary>
public sealed class PiiDecryptionException : CryptographicException
{
    public PiiDecryptionException(string message) : base(message) { }

    public PiiDecryptionException(string message, Exception inner) : base(message, inner) { }
}
