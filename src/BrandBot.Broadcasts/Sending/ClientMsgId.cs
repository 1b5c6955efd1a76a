using System.Globalization;
using System.Text;

namespace BrandBot.Broadcasts.Sending;

/// <summary>
/// WeChat's idempotency key for a mass send, derived — never random — so a re-run after a crash
/// reuses it: <c>bb:{id}:{batch}:{first 8 of the content hash}</c>. Another batch or other content gets
/// another key on purpose (docs/broadcasts.md#exactly-once).
/// </summary>
public static class ClientMsgId
{
    /// <summary>WeChat refuses longer keys with 45067.</summary>
    public const int MaxBytes = 64;

    public static string For(string broadcastId, int batch, string contentHash)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"bb:{broadcastId}:{batch}:{contentHash[..8]}");
        return Encoding.UTF8.GetByteCount(key) <= MaxBytes ? key : throw new ArgumentException($"clientmsgid '{key}' is over {MaxBytes} bytes", nameof(broadcastId));
    }
}
