using System.Text;
using BrandBot.Protocol.Crypto;

namespace BrandBot.Protocol.Tests;

public class AccountCryptoTests
{
    private const string OldKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private const string NewKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    private const string AppId = "wx5823bf96d3bd56c7";

    [Fact]
    public void Open_WithCurrentKey_ReportsCurrentKey()
    {
        var crypto = new AccountCrypto(AppId, NewKey, OldKey);
        var opened = crypto.Open(SealWith(NewKey, "hello"));
        Assert.Equal("hello", Encoding.UTF8.GetString(opened.Message));
        Assert.True(opened.Key.SameKeyAs(AesKey.Decode(NewKey)));
    }

    [Fact]
    public void Open_PushSealedWithPreviousKey_OpensAndReportsPreviousKeyForTheReply()
    {
        var crypto = new AccountCrypto(AppId, NewKey, OldKey);
        var opened = crypto.Open(SealWith(OldKey, "during rotation"));
        Assert.Equal("during rotation", Encoding.UTF8.GetString(opened.Message));
        Assert.True(opened.Key.SameKeyAs(AesKey.Decode(OldKey)));
    }

    [Fact]
    public void Open_PreviousKeyNotConfigured_Fails()
    {
        var crypto = new AccountCrypto(AppId, NewKey);
        var ex = Assert.Throws<WeChatCryptoException>(() => crypto.Open(SealWith(OldKey, "x")));
        Assert.Contains(ex.Code, new[] { -40007, -40008, -40005 });
    }

    [Fact]
    public void Open_BadBase64_DoesNotTryTheOtherKey()
    {
        var crypto = new AccountCrypto(AppId, NewKey, OldKey);
        var ex = Assert.Throws<WeChatCryptoException>(() => crypto.Open("%%%"));
        Assert.Equal(-40010, ex.Code);
    }

    private static string SealWith(string encodingAesKey, string text) =>
        Envelope.Seal(AesKey.Decode(encodingAesKey), new byte[16], Encoding.UTF8.GetBytes(text), AppId);
}
