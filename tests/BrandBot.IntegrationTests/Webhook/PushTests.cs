using System.Text;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Simulation;
using BrandBot.Protocol.Xml;

namespace BrandBot.IntegrationTests.Webhook;

public class PushTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    [Theory]
    [InlineData(PushMode.Plain)]
    [InlineData(PushMode.Compatible)]
    [InlineData(PushMode.Safe)]
    public async Task Text_EachMode_RepliesWithSwappedUsersAndSeconds(PushMode mode)
    {
        var response = await Wire.PushAsync(Client, Wire.Text("hours"), mode);

        var reply = response.Reply();
        Assert.Equal(TestAccounts.OpenId, reply["ToUserName"]);
        Assert.Equal(TestAccounts.Gh, reply["FromUserName"]);
        // docs/exactly-once.md: the reply's CreateTime is the push's own, so every attempt writes the same bytes.
        Assert.Equal("1714112445", reply["CreateTime"]);
        Assert.Equal("text", reply["MsgType"]);
        Assert.Equal("We open 9:00-21:00", reply["Content"]);
        Assert.StartsWith("application/xml", response.ContentType);
        Assert.Equal(mode != PushMode.Plain, response.Text.Contains("<Encrypt>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Safe_ReplyEnvelope_TimeStampAndNonceFollowThePush_AndItSignsWhatItWrites()
    {
        var response = await Wire.PushAsync(Client, Wire.Text("hours"), PushMode.Safe, nonce: "987654321");
        var envelope = PushXmlReader.Read(response.Body);

        // docs/protocol.md §2.5: TimeStamp is the reply's CreateTime (the push's), Nonce a keyed function of the push.
        Assert.Equal("1714112445", envelope["TimeStamp"]);
        Assert.Matches("^[1-9][0-9]{9}$", envelope["Nonce"]!);
        Assert.Equal(Signature.Compute(TestAccounts.Token, envelope["TimeStamp"]!, envelope["Nonce"]!, envelope["Encrypt"]!), envelope["MsgSignature"]);
    }

    [Theory]
    [InlineData(PushMode.Plain)]
    [InlineData(PushMode.Compatible)]
    [InlineData(PushMode.Safe)]
    public async Task Retry_SignedAfresh_IsAnsweredByteForByteTheSame(PushMode mode)
    {
        var push = Wire.Text("hours");
        var first = await Wire.PushAsync(Client, push, mode, nonce: "111111111");
        // WeChat's retry of the same message: the same XML, its query signed with another nonce and a later timestamp.
        var retry = await Wire.PushAsync(Client, push, mode, nonce: "222222222", timestamp: TestServer.Now.ToUnixTimeSeconds() + 5);

        Assert.Contains("We open 9:00-21:00", first.Reply()["Content"]);
        Assert.Equal(first.Body, retry.Body);
    }

    [Fact]
    public async Task Safe_TwoDifferentPushes_SameReply_AreSealedDifferently()
    {
        var one = await Wire.PushAsync(Client, Wire.Text("hours"), PushMode.Safe);
        var other = await Wire.PushAsync(Client, Wire.Text("hours"), PushMode.Safe);

        // The random prefix follows the push: equal replies to two pushes do not show as equal ciphertext.
        Assert.Equal(Wire.WithoutCreateTime(Wire.DecodeSafe(one)), Wire.WithoutCreateTime(Wire.DecodeSafe(other)));
        Assert.NotEqual(PushXmlReader.Read(one.Body)["Encrypt"], PushXmlReader.Read(other.Body)["Encrypt"]);
    }

    [Fact]
    public async Task Safe_NoRuleAndNoReply_AnswersPlainSuccess()
    {
        var response = await Wire.PushAsync(Client, Wire.Event("unsubscribe"), PushMode.Safe);
        Assert.Equal(200, response.Status);
        Assert.Equal("success", response.Text);
    }

    [Fact]
    public async Task OfficialSafeModeXmlVector_IsAcceptedOverHttp()
    {
        // docs/protocol.md §7.4, byte for byte: the official query string and body. Its message is an
        // unknown "debug_demo" event, so the right answer is an unencrypted success.
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["BrandBot:Accounts:0:Name"] = "official",
            ["BrandBot:Accounts:0:Token"] = "AAAAA",
            ["BrandBot:Accounts:0:AppId"] = "wx134c8103faa5a59e",
            ["BrandBot:Accounts:0:EncodingAESKey"] = new string('A', 43),
            // The vector was signed in 2024: outside any replay window of today.
            ["BrandBot:ReplayWindowSeconds"] = "0",
        });
        const string encrypt = "D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==";
        var body = Encoding.UTF8.GetBytes($"<xml>\n    <ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n    <Encrypt><![CDATA[{encrypt}]]></Encrypt>\n</xml>");
        const string query = "signature=cc0c594499c1634947d5b502f158ee518947db27&timestamp=1715943329&nonce=1590219412&openid=o9AgO5Kd5ggOC-bXrbNODIiE3bGY&encrypt_type=aes&msg_signature=6c12a4205838198b8fa631b3220723bb07f1015c";

        var accepted = await Wire.PostAsync(server.Client, "/wechat/official?" + query, body);
        Assert.Equal(200, accepted.Status);
        Assert.Equal("success", accepted.Text);

        var tampered = await Wire.PostAsync(server.Client, "/wechat/official?" + query.Replace("msg_signature=6c12", "msg_signature=6c13"), body);
        Assert.Equal(401, tampered.Status);
    }

    [Theory]
    [InlineData("hours", "text", "Content", "We open 9:00-21:00")]
    [InlineData("image", "image", "Image/MediaId", "IMG_ID")]
    [InlineData("voice", "voice", "Voice/MediaId", "VOICE_ID")]
    [InlineData("video", "video", "Video/Title", "vt")]
    [InlineData("music", "music", "Music/HQMusicUrl", "https://hq")]
    [InlineData("agent", "transfer_customer_service", "TransInfo/KfAccount", "agent1@brand")]
    [InlineData("news", "news", "ArticleCount", "1")]
    [InlineData("cdata", "text", "Content", "a]]>b")]
    public async Task EachReplyType_IsWrittenCorrectly(string keyword, string msgType, string path, string expected)
    {
        var reply = (await Wire.PushAsync(Client, Wire.Text(keyword), PushMode.Safe)).Reply();
        Assert.Equal(msgType, reply["MsgType"]);
        Assert.Equal(expected, reply[path]);
    }

    [Fact]
    public async Task NewsAnsweringAnEvent_CarriesAllArticles()
    {
        var reply = (await Wire.PushAsync(Client, Wire.Event("CLICK", "NEWS"))).Reply();
        Assert.Equal("3", reply["ArticleCount"]);
        Assert.Equal(["one", "two", "three"], reply.AllAt("Articles/item/Title"));
    }

    public static TheoryData<string, string?> MessagesAndEvents() => new()
    {
        { Wire.Text("营业时间？"), "We open 9:00-21:00" },
        { Wire.Text("something else"), "default reply" },
        { Wire.Message("image", ("PicUrl", "https://p"), ("MediaId", "m")), "default reply" },
        { Wire.Message("voice", ("MediaId", "m"), ("Format", "amr"), ("Recognition", "hours")), "We open 9:00-21:00" },
        { Wire.Message("voice", ("MediaId", "m"), ("Format", "amr")), "default reply" },
        { Wire.Message("video", ("MediaId", "m"), ("ThumbMediaId", "t")), "default reply" },
        { Wire.Message("shortvideo", ("MediaId", "m"), ("ThumbMediaId", "t")), "default reply" },
        { Wire.Message("location", ("Location_X", "23.1"), ("Location_Y", "113.3"), ("Scale", "20"), ("Label", "x")), "default reply" },
        { Wire.Message("link", ("Title", "t"), ("Description", "d"), ("Url", "https://u")), "default reply" },
        { Wire.Event("subscribe"), "welcome" },
        { Wire.Event("subscribe", "qrscene_poster-2026"), "poster thanks" },
        { Wire.Event("subscribe", "qrscene_unknown"), "welcome" },
        { Wire.Event("SCAN", "poster-2026"), "poster thanks" },
        { Wire.Event("SCAN", "unknown"), null },
        { Wire.Event("CLICK", "HOURS"), "We open 9:00-21:00" },
        { Wire.Event("click", "HOURS"), "We open 9:00-21:00" },
        { Wire.Event("CLICK", "NOPE"), null },
        { Wire.Event("unsubscribe"), null },
        { Wire.Event("VIEW", "https://example.com"), null },
        { Wire.Event("LOCATION"), null },
        { Wire.Event("scancode_push", "k"), null },
        { Wire.Event("scancode_waitmsg", "k"), null },
        { Wire.Event("pic_sysphoto", "k"), null },
        { Wire.Event("pic_photo_or_album", "k"), null },
        { Wire.Event("pic_weixin", "k"), null },
        { Wire.Event("location_select", "k"), null },
        { Wire.Event("view_miniprogram", "pages/index"), null },
        { Wire.Event("TEMPLATESENDJOBFINISH"), null },
        { Wire.Event("MASSSENDJOBFINISH"), null },
        { Wire.Event("brand_new_event"), null },
        { SampleMessages.Build(TestAccounts.Gh, TestAccounts.OpenId, 1, "miniprogrampage", ("Title", "t")), null },
    };

    [Theory]
    [MemberData(nameof(MessagesAndEvents))]
    public async Task EachMessageAndEventType_GetsTheRightAnswer(string xml, string? expectedText)
    {
        foreach (var mode in new[] { PushMode.Plain, PushMode.Safe })
        {
            var response = await Wire.PushAsync(Client, xml, mode);
            if (expectedText is null)
            {
                Assert.Equal(200, response.Status);
                Assert.Equal("success", response.Text);
            }
            else
            {
                Assert.Equal(expectedText, response.Reply()["Content"]);
            }
        }
    }

    [Fact]
    public async Task PlainOnlyAccount_AnswersPlainAndRefusesEncrypted()
    {
        Assert.Equal("We open 9:00-21:00", (await Wire.PushAsync(Client, Wire.Text("hours"), account: "plain")).Reply()["Content"]);
        var encrypted = await Wire.PushAsync(Client, Wire.Text("hours"), PushMode.Safe, account: "plain");
        Assert.Equal(400, encrypted.Status);
    }

    [Fact]
    public async Task KeyRotation_PushWithPreviousKey_IsAnsweredWithThePreviousKey()
    {
        var response = await Wire.PushAsync(Client, Wire.Text("hours"), PushMode.Safe, encodingAesKey: TestAccounts.PreviousKey);

        Assert.Equal("We open 9:00-21:00", response.Reply(TestAccounts.PreviousKey)["Content"]);
        Assert.ThrowsAny<Exception>(() => response.Reply(TestAccounts.Key));
    }

    [Fact]
    public async Task RawEncryptType_IsPlaintext()
    {
        var push = SignedPush.Create(TestAccounts.Token, null, null, PushMode.Plain, Wire.Text("hours"), TestServer.Now.ToUnixTimeSeconds(), "2", Wire.Prefix);
        var response = await Wire.PostAsync(Client, $"/wechat/acme?{push.Query}&encrypt_type=raw", push.Body);
        Assert.Equal("We open 9:00-21:00", response.Reply()["Content"]);
    }

    [Fact]
    public async Task Retry_OnTheEmbeddedStore_FiveSecondsLater_GetsTheFirstAnswersBytes()
    {
        var push = Wire.Text("hours");
        var first = await Wire.PushAsync(Client, push, PushMode.Safe);
        fixture.Server.Time.Advance(TimeSpan.FromSeconds(5));
        var retry = await Wire.PushAsync(Client, push, PushMode.Safe, nonce: "777");

        Assert.Contains("We open 9:00-21:00", Inner(retry));
        // Neither the clock nor the retry's own nonce shows in the answer (docs/protocol.md §2.5).
        Assert.Equal(first.Body, retry.Body);
    }

    [Fact]
    public async Task SameMsgIdFromAnotherFollower_IsANewPush()
    {
        var first = await Wire.PushAsync(Client, Wire.Text("hours", msgId: 5), PushMode.Plain);
        var other = await Wire.PushAsync(Client, Wire.Text("news", msgId: 5, openId: "oAnotherFollower"), PushMode.Plain);
        Assert.Equal("We open 9:00-21:00", first.Reply()["Content"]);
        Assert.Equal("news", other.Reply()["MsgType"]);
    }

    private static string Inner(PushResponse response) =>
        BrandBot.Protocol.Simulation.SignedPush.DecodeReply(TestAccounts.Token, TestAccounts.AppId, TestAccounts.Key, null, response.Body);

    /// <summary>The fixture's clock as the reply carries it: tests in this class share the server, and one moves its clock on.</summary>
    private string ServerNow() => fixture.Server.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
