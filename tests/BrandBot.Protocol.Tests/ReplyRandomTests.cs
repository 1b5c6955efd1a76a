using BrandBot.Protocol.Crypto;

namespace BrandBot.Protocol.Tests;

/// <summary>
/// The reply's derived prefix and nonce (docs/protocol.md §2.5): a function of (key, push identity, reply)
/// that repeats for the same triple and changes when any part of it does, including where the identity
/// ends and the reply begins.
/// </summary>
public sealed class ReplyRandomTests
{
    private static readonly byte[] KeyA = AesKey.Decode("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C");
    private static readonly byte[] KeyB = AesKey.Decode("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");

    private static (string Prefix, long Nonce) Derive(byte[] key, byte[] identity, byte[] reply)
    {
        using var envelopeKey = new EnvelopeKey(key);
        var prefix = new byte[16];
        envelopeKey.DeriveReplyRandom(identity, reply, prefix, out var nonce);
        return (Convert.ToHexString(prefix), nonce);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(2000)] // past the stack buffer: the pooled path
    public void SameInputs_SameOutput_AnyChangeGivesAnother(int replyLength)
    {
        var identity = Enumerable.Range(0, 20).Select(i => (byte)i).ToArray();
        var reply = Enumerable.Range(0, replyLength).Select(i => (byte)('a' + (i % 26))).ToArray();
        var first = Derive(KeyA, identity, reply);

        Assert.Equal(first, Derive(KeyA, identity, reply));
        Assert.InRange(first.Nonce, 1_000_000_000, 9_999_999_999);

        var lastByte = (byte[])reply.Clone();
        lastByte[^1] ^= 1;
        var zeroPadded = reply.Append((byte)0).ToArray();
        var otherIdentity = (byte[])identity.Clone();
        otherIdentity[19] ^= 1;
        var others = new[]
        {
            Derive(KeyA, identity, lastByte),
            Derive(KeyA, identity, zeroPadded),
            Derive(KeyA, otherIdentity, reply),
            Derive(KeyA, identity[..19], [identity[19], .. reply]),
            Derive(KeyB, identity, reply),
        };
        foreach (var other in others)
        {
            Assert.NotEqual(first.Prefix, other.Prefix);
            Assert.NotEqual(first.Nonce, other.Nonce);
        }
    }

    [Fact]
    public void TheNonceIsNotThePrefix()
    {
        var (prefix, nonce) = Derive(KeyA, new byte[20], new byte[16]);
        var prefixNumber = 1_000_000_000 + (long)(Convert.ToUInt64(prefix[..16], 16) % 9_000_000_000UL);
        Assert.NotEqual(prefixNumber, nonce);
    }
}
