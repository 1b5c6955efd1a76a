using System.Diagnostics;
using System.Text;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Xml;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BrandBot.Protocol.Tests;

/// <summary>
/// Hostile input: random and mutated bodies through the XML reader, the parser and the
/// decryptor. The only acceptable failures are the typed refusals the endpoint turns into 400/401;
/// nothing hangs, nothing allocates without bound. Hostile/ holds the regression corpus.
/// </summary>
public class FuzzTests
{
    private const string AppId = "wx5823bf96d3bd56c7";
    private const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private static readonly byte[] ValidPush = Encoding.UTF8.GetBytes(
        "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>" +
        "<CreateTime>1714112445</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[scancode_push]]></Event><EventKey><![CDATA[K]]></EventKey>" +
        "<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo></xml>");

    public static TheoryData<string> HostileFiles() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Hostile")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void HostileCorpus_IsReadOrRefused_QuicklyAndWithinMemory(string file)
    {
        var body = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Hostile", file));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var outcome = ParseOrRefuse(body);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(outcome is "parsed" or "refused", $"{file}: {outcome}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{file} took {watch.Elapsed}");
        // A few times the body, never an expansion of it.
        Assert.True(allocated < 16 * 1024 * 1024 + body.Length * 16L, $"{file} allocated {allocated:N0} bytes");
    }

    [Property(MaxTest = 3000)]
    public bool RandomBytes_AreReadOrRefused(byte[] body) => ParseOrRefuse(body ?? []) is "parsed" or "refused";

    [Property(MaxTest = 3000)]
    public Property MutatedPushes_AreReadOrRefused() =>
        Prop.ForAll(Mutations().ToArbitrary(), body => ParseOrRefuse(body) is "parsed" or "refused");

    [Property(MaxTest = 2000)]
    public bool RandomCiphertexts_AreOpenedOrRefused(string? encrypt) => OpenOrRefuse(encrypt ?? "") is "opened" or "refused";

    /// <summary>
    /// AES-CBC carries no MAC — integrity is msg_signature's job, checked before decryption — so a
    /// flipped byte may still open (e.g. inside the random prefix). What opens must then parse or be refused.
    /// </summary>
    [Property(MaxTest = 2000)]
    public Property MutatedCiphertexts_AreOpenedOrRefused_AndWhatOpensParsesOrIsRefused() =>
        Prop.ForAll(CiphertextMutations().ToArbitrary(), encrypt => OpenOrRefuse(encrypt) is "opened" or "refused");

    /// <summary>The valid push with random bytes flipped, inserted, deleted or the tail cut.</summary>
    private static Gen<byte[]> Mutations() =>
        from kind in Gen.Choose(0, 3)
        from position in Gen.Choose(0, ValidPush.Length - 1)
        from value in Gen.Choose(0, 255)
        from count in Gen.Choose(1, 20)
        select ByteMutation.Apply(ValidPush, kind, position, (byte)value, count);

    private static Gen<string> CiphertextMutations() =>
        from position in Gen.Choose(0, 400)
        from value in Gen.Choose(0, 255)
        select Convert.ToBase64String(ByteMutation.Apply(Convert.FromBase64String(Sealed), 0, position % Convert.FromBase64String(Sealed).Length, (byte)(value | 1), 1));

    private static readonly string Sealed = Envelope.Seal(AesKey.Decode(Key), Encoding.ASCII.GetBytes("0123456789abcdef"), ValidPush, AppId);

    private static string ParseOrRefuse(byte[] body)
    {
        try
        {
            PushXmlReader.Read(body);
            InboundParser.Parse(body);
            return "parsed";
        }
        catch (InboundXmlException)
        {
            return "refused";
        }
        catch (Exception ex)
        {
            return "unexpected " + ex.GetType().Name + ": " + ex.Message;
        }
    }

    private static string OpenOrRefuse(string encrypt)
    {
        try
        {
            var opened = new AccountCrypto(AppId, Key).Open(encrypt);
            return ParseOrRefuse(opened.Message) is "parsed" or "refused" ? "opened" : "opened but the parser failed";
        }
        catch (WeChatCryptoException)
        {
            return "refused";
        }
        catch (Exception ex)
        {
            return "unexpected " + ex.GetType().Name + ": " + ex.Message;
        }
    }
}
