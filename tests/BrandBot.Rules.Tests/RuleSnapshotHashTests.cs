using System.Security.Cryptography;
using System.Text;
using BrandBot.Rules.Store;

namespace BrandBot.Rules.Tests;

/// <summary>The content hash is encoded piece by piece; it must stay the SHA-256 of the whole text's UTF-8 (stored hashes compare with it).</summary>
public class RuleSnapshotHashTests
{
    public static TheoryData<string> Texts => new()
    {
        "",
        "rules: []\n",
        // Pieces are 4,096 bytes: an emoji (a surrogate pair, 4 bytes) straddling every boundary in turn.
        new string('a', 4094) + "😀" + new string('b', 4095) + "😀😀" + new string('营', 3000),
        string.Concat(Enumerable.Repeat("营业时间 9:00-21:00 😀\n", 5000)),
        // A lone surrogate becomes U+FFFD in both.
        "broken \uD83D half",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void HashOf_IsTheSha256OfTheWholeUtf8(string yaml) =>
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), RuleSnapshot.HashOf(yaml));
}
