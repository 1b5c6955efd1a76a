using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BrandBot.IntegrationTests.FakeWeChat;

/// <summary>
/// The fake WeChat API answers as docs/wechat-account-apis.md documents — so the account tests mean something:
/// a fake that accepted anything would let BrandBot send what WeChat refuses.
/// </summary>
public sealed class FakeAccountApiTests : IAsyncLifetime
{
    private FakeWeChatApi _api = null!;
    private HttpClient _http = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _api = await FakeWeChatApi.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_api.BaseUrl) };
        using var token = await _http.PostAsync("/cgi-bin/stable_token", Json("""{"grant_type":"client_credential","appid":"wx1","secret":"s"}"""));
        _token = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"button":[]}""", 40016)]
    [InlineData("""{"button":[{"type":"click","name":"a","key":"A"},{"type":"click","name":"b","key":"B"},{"type":"click","name":"c","key":"C"},{"type":"click","name":"d","key":"D"}]}""", 40016)]
    [InlineData("""{"button":[{"type":"click","name":"营业时间查询","key":"A"}]}""", 40018)]
    [InlineData("""{"button":[{"type":"click","name":"a","key":""}]}""", 40019)]
    [InlineData("""{"button":[{"type":"view","name":"a"}]}""", 40020)]
    [InlineData("""{"button":[{"type":"dance","name":"a","key":"A"}]}""", 40017)]
    [InlineData("""{"button":[{"name":"p","sub_button":[{"type":"click","name":"1","key":"1"},{"type":"click","name":"2","key":"2"},{"type":"click","name":"3","key":"3"},{"type":"click","name":"4","key":"4"},{"type":"click","name":"5","key":"5"},{"type":"click","name":"6","key":"6"}]}]}""", 40023)]
    [InlineData("""{"button":[{"name":"p","sub_button":[{"type":"view","name":"w"}]}]}""", 40027)]
    [InlineData("""{"button":[{"type":"click","name":"\u95e8","key":"A"}]}""", 40033)]
    [InlineData("""{"button":[{"type":"click","name":"门店","key":"A"}]}""", 0)]
    public async Task MenuCreate_AnswersTheDocumentedCode(string body, int expected)
    {
        Assert.Equal(expected, await CodeAsync("/cgi-bin/menu/create", body));
    }

    [Fact]
    public async Task ConditionalMenus_NeedADefaultMenuAndAKnownTag_AndRefusePrivacyRules()
    {
        const string menu = """{"button":[{"type":"click","name":"a","key":"A"}]}""";
        string Conditional(string rule) => menu[..^1] + ",\"matchrule\":" + rule + "}";
        Assert.Equal(65303, await CodeAsync("/cgi-bin/menu/addconditional", Conditional("""{"tag_id":"2"}""")));
        await CodeAsync("/cgi-bin/menu/create", menu);
        Assert.Equal(65304, await CodeAsync("/cgi-bin/menu/addconditional", Conditional("{}")));
        Assert.Equal(65320, await CodeAsync("/cgi-bin/menu/addconditional", Conditional("""{"sex":"1"}""")));
        Assert.Equal(45159, await CodeAsync("/cgi-bin/menu/addconditional", Conditional("""{"tag_id":"999"}""")));
        Assert.Equal(0, await CodeAsync("/cgi-bin/menu/addconditional", Conditional("""{"tag_id":"2"}""")));
        Assert.Equal(65301, await CodeAsync("/cgi-bin/menu/delconditional", """{"menuid":"12345"}"""));

        // menu/get echoes tag_id as group_id and leaves empty sub_button lists (docs/wechat-account-apis.md §1.7).
        using var read = JsonDocument.Parse(await (await _http.GetAsync($"/cgi-bin/menu/get?access_token={_token}")).Content.ReadAsStringAsync());
        Assert.Equal("2", read.RootElement.GetProperty("conditionalmenu")[0].GetProperty("matchrule").GetProperty("group_id").GetString());
        Assert.Equal(0, read.RootElement.GetProperty("menu").GetProperty("button")[0].GetProperty("sub_button").GetArrayLength());
    }

    [Fact]
    public async Task Tags_AreLimitedInNameSizeAndNumber_AndUnique()
    {
        Assert.Equal(45158, await CodeAsync("/cgi-bin/tags/create", """{"tag":{"name":"一二三四五六七八九十一"}}"""));
        Assert.Equal(0, await CodeAsync("/cgi-bin/tags/create", """{"tag":{"name":"vip"}}"""));
        Assert.Equal(45157, await CodeAsync("/cgi-bin/tags/create", """{"tag":{"name":"vip"}}"""));
        for (var i = 0; i < 98; i++)
        {
            Assert.Equal(0, await CodeAsync("/cgi-bin/tags/create", "{\"tag\":{\"name\":\"t" + i + "\"}}"));
        }

        Assert.Equal(45056, await CodeAsync("/cgi-bin/tags/create", """{"tag":{"name":"one-more"}}"""));
    }

    [Fact]
    public async Task BatchTagging_ChecksListSizeTagAndFollowers()
    {
        await CodeAsync("/cgi-bin/tags/create", """{"tag":{"name":"vip"}}""");
        var tag = _api.Account.TagId("vip");
        var fiftyOne = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"oF{i:D26}\""));
        Assert.Equal(40032, await CodeAsync("/cgi-bin/tags/members/batchtagging", $$"""{"openid_list":[{{fiftyOne}}],"tagid":{{tag}}}"""));
        Assert.Equal(40032, await CodeAsync("/cgi-bin/tags/members/batchtagging", $$"""{"openid_list":[],"tagid":{{tag}}}"""));
        Assert.Equal(45159, await CodeAsync("/cgi-bin/tags/members/batchtagging", """{"openid_list":["oA"],"tagid":999}"""));
        Assert.Equal(40003, await CodeAsync("/cgi-bin/tags/members/batchtagging", $$"""{"openid_list":["oA","not-an-openid"],"tagid":{{tag}}}"""));
        Assert.Empty(_api.Account.TagsOf("oA"));
        Assert.Equal(0, await CodeAsync("/cgi-bin/tags/members/batchtagging", $$"""{"openid_list":["oA"],"tagid":{{tag}}}"""));
    }

    [Fact]
    public async Task QrCodes_CheckActionSceneAndExpiry_AndCapPermanentCodes()
    {
        _api.Account.PermanentCodeCap = 1;
        Assert.Equal(40052, await CodeAsync("/cgi-bin/qrcode/create", """{"action_name":"QR_FOREVER","action_info":{"scene":{"scene_str":"a"}}}"""));
        Assert.Equal(40053, await CodeAsync("/cgi-bin/qrcode/create", """{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"LONG"}}}""".Replace("LONG", new string('s', 65))));
        Assert.Equal(40053, await CodeAsync("/cgi-bin/qrcode/create", """{"expire_seconds":2592001,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"a"}}}"""));
        Assert.Equal(0, await CodeAsync("/cgi-bin/qrcode/create", """{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"a"}}}"""));
        Assert.Equal(45029, await CodeAsync("/cgi-bin/qrcode/create", """{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"b"}}}"""));
        Assert.Equal(0, await CodeAsync("/cgi-bin/qrcode/create", """{"expire_seconds":2592000,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"b"}}}"""));
    }

    [Fact]
    public async Task UnknownToken_Is40001()
    {
        using var answer = await _http.PostAsync("/cgi-bin/tags/create?access_token=forged", Json("""{"tag":{"name":"x"}}"""));
        Assert.Equal(40001, JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("errcode").GetInt32());
    }

    private async Task<int> CodeAsync(string path, string body)
    {
        using var answer = await _http.PostAsync($"{path}?access_token={_token}", Json(body));
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("errcode", out var code) ? code.GetInt32() : 0;
    }

    private static ByteArrayContent Json(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
