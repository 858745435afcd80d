using System.Net;
using System.Net.Sockets;

namespace PhoneCrm.Web.Hosting;

/// <summary>
/// The key a per-address rate limit counts by: an IPv4 address as is, an IPv6 address by its /64 network — one subscriber
/// usually holds a whole /64, so counting single IPv6 addresses would let one machine rotate through billions of them.
/// </summary>
public static class ClientAddress
{
    public static string PartitionOf(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
