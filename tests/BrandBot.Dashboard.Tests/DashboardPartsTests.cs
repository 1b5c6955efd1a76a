using System.Text;
using BrandBot.Dashboard;
using BrandBot.Rules.Loading;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BrandBot.Dashboard.Tests;

/// <summary>
/// The dashboard's pieces that need no browser: its startup checks, the rule draft, masking and CSV.
/// The pages themselves are tested in a real browser (the browser tests beside this file).
/// </summary>
public sealed class DashboardPartsTests
{
    [Fact]
    public async Task BadDashboardSettings_FailStartup_OneLineEach_WithoutATokensValue()
    {
        var settings = TestAccounts.Settings(TestAccounts.WriteRules(TestAccounts.Rules));
        settings["BrandBot:Dashboard:Urls"] = "http://127.0.0.1:0;ftp://127.0.0.1:21";
        settings["BrandBot:Dashboard:ViewerToken"] = "short-secret";
        settings["BrandBot:Dashboard:SessionMinutes"] = "0";
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(settings));

        var failures = ex.Failures.ToList();
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:Urls entry 'http://127.0.0.1:0' needs an explicit, fixed port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:Urls entry 'ftp://127.0.0.1:21' must be an http(s) URL", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:ViewerToken must be at least 16 characters", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("BrandBot:Dashboard:SessionMinutes must be between 1 and 1440", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("short-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void DashboardWithoutTokens_OrOnTheWebhooksPort_OrWithDemoTokensBeyondLoopback_IsRefused()
    {
        var none = new DashboardOptions { Urls = "http://127.0.0.1:8081" };
        Assert.Contains(DashboardOptionsValidator.Problems(none, [5000]), p => p.Contains("must be set when BrandBot:Dashboard:Urls is", StringComparison.Ordinal));
        var sharedPort = new DashboardOptions { Urls = "http://127.0.0.1:5000", EditorToken = new string('e', 20) };
        Assert.Contains(DashboardOptionsValidator.Problems(sharedPort, [5000]), p => p.Contains("port 5000 is also the webhook's port", StringComparison.Ordinal));
        var demo = new DashboardOptions { Urls = "http://0.0.0.0:8081", EditorToken = "demo-editor-token-change-me" };
        Assert.Contains(DashboardOptionsValidator.Problems(demo, [5000]), p => p.Contains("demo tokens", StringComparison.Ordinal));
        var demoOnLoopback = new DashboardOptions { Urls = "http://127.0.0.1:8081", EditorToken = "demo-editor-token-change-me" };
        Assert.Empty(DashboardOptionsValidator.Problems(demoOnLoopback, [5000]));
        Assert.Empty(DashboardOptionsValidator.Problems(new DashboardOptions(), [5000]));
    }

    [Fact]
    public void RuleDraft_AppendsAValidRule_ToTheRulesList_KeepingTheRestOfTheFile()
    {
        var draft = RuleDraft.Append(TestAccounts.Rules, "Where is \"Gate B\"?");
        Assert.StartsWith(TestAccounts.Rules.TrimEnd(), draft, StringComparison.Ordinal);
        // Valid once the operator has written the answer (the placeholder itself is refused: RuleDraftTests).
        var parsed = RulesFile.Parse(Written(draft));
        Assert.False(parsed.HasErrors, string.Join("\n", parsed.Problems));
        var rule = parsed.Definition!.Rules[^1];
        Assert.Equal("asked-where-is-gate-b", rule.Name);

        // Rules before another top-level key, and a file with no rules at all.
        var middle = RuleDraft.Append("rules:\n  - { name: a, keywords: [ equal: a ], replies: [ text: a ] }\n\ndefault:\n  replies: [ text: d ]\n", "营业时间");
        var parsedMiddle = RulesFile.Parse(Written(middle));
        Assert.False(parsedMiddle.HasErrors, string.Join("\n", parsedMiddle.Problems));
        Assert.Equal(["a", "asked-营业时间"], parsedMiddle.Definition!.Rules.Select(r => r.Name));
        Assert.NotNull(parsedMiddle.Definition.Default);
        var empty = RulesFile.Parse(Written(RuleDraft.Append("default:\n  replies: [ text: d ]", "hi")));
        Assert.False(empty.HasErrors, string.Join("\n", empty.Problems));
        Assert.Equal("asked-hi", Assert.Single(empty.Definition!.Rules).Name);
    }

    private static string Written(string draft) => draft.Replace(RuleSetValidator.DraftPlaceholder, "an answer", StringComparison.Ordinal);

    [Theory]
    [InlineData("call 13812345678 now", "call 138****5678 now")]
    [InlineData("id 11010519491231002X", "id 11**************2X")]
    [InlineData("order 1234567", "order 12***67")]
    [InlineData("room 123456 is fine", "room 123456 is fine")]
    public void TextMask_HidesPhoneAndIdLikeNumbers(string text, string shown) => Assert.Equal(shown, TextMask.Mask(text));

    [Theory]
    [InlineData("\u202A\u202B\u202C\u202D\u202E")]
    [InlineData("\u2066\u2067\u2068\u2069")]
    public void TextMask_AndRuleDraft_DropBidiControls(string controls)
    {
        var text = $"invoice{controls}fdp.exe";
        Assert.Equal("invoicefdp.exe", TextMask.Mask(text));
        var draft = RuleDraft.Append("rules:\n", text);
        Assert.Contains("equal: \"invoicefdp.exe\"", draft, StringComparison.Ordinal);
        Assert.DoesNotContain(draft, c => controls.Contains(c));
        // Other format characters a follower may legitimately type (a zero-width joiner in an emoji) stay.
        Assert.Equal("👩\u200D💻", TextMask.Mask("👩\u200D💻"));
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    public void ClientKey_GroupsIPv6By64(string address, string key) => Assert.Equal(key, ClientKey.Of(System.Net.IPAddress.Parse(address)));

    [Fact]
    public void FailedSignInsTable_StaysBounded_WhateverNumberOfClientsFail()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestServer.Now);
        var sessions = new DashboardSessions(new DashboardOptions { EditorToken = new string('e', 20), MaxFailedSignInsPerMinuteInTotal = DashboardSessions.MaxTrackedClients * 2 }, time);
        for (var i = 0; i < DashboardSessions.MaxTrackedClients * 2; i++)
        {
            sessions.Failed($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}");
        }

        Assert.Equal(DashboardSessions.MaxTrackedClients, sessions.TrackedClients);
        // Beyond the table, the overall count still holds them back.
        Assert.False(sessions.MayTry("192.0.2.1"));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(sessions.MayTry("192.0.2.1"));
        Assert.Equal(0, sessions.TrackedClients);
    }

    [Fact]
    public void SignInRefusals_OneRowPerClientPerMinute_BoundedInClientsAndRows()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestServer.Now);
        var refusals = new SignInRefusals(time);
        for (var i = 0; i < SignInRefusals.ClientsPerMinute + 50; i++)
        {
            refusals.Add($"10.0.{i >> 8}.{i & 255}", SignInRefusals.WrongToken);
            refusals.Add($"10.0.{i >> 8}.{i & 255}", SignInRefusals.TooMany);
        }

        var rows = refusals.Read(1000);
        Assert.Equal(SignInRefusals.ClientsPerMinute + 1, rows.Count);
        Assert.Equal(100, rows.Single(r => r.Client == SignInRefusals.OtherClients).Count);
        Assert.All(rows.Where(r => r.Client != SignInRefusals.OtherClients), r => Assert.Equal(2, r.Count));

        for (var minute = 0; minute < SignInRefusals.Capacity; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            refusals.Add("10.9.9.9", SignInRefusals.WrongToken);
        }

        Assert.Equal(SignInRefusals.Capacity, refusals.Read(int.MaxValue).Count);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8081", null, "127.0.0.1:8081", true)]
    [InlineData("http://127.0.0.1:8081", null, "rebind.example:8081", false)]
    [InlineData("http://127.0.0.1:8081", null, "localhost:8081", false)]
    [InlineData("http://0.0.0.0:8081", null, "10.0.0.5:8081", true)]
    [InlineData("http://*:8081", null, "[2001:db8::5]:8081", true)]
    [InlineData("http://[::]:8081", null, "localhost:8081", true)]
    [InlineData("http://+:8081", null, "rebind.example:8081", false)]
    [InlineData("http://0.0.0.0:8081", "admin.example.com", "ADMIN.example.com", true)]
    [InlineData("http://10.0.0.5:8081", "admin.example.com", "admin.example.com:443", true)]
    public void ExpectedHost_IsAConfiguredHost_OrAnAddressUnderAWildcard(string urls, string? allowed, string requestHost, bool expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = HostString.FromUriComponent(requestHost);
        Assert.Equal(expected, DashboardEndpoints.IsExpectedHost(context, new DashboardOptions { Urls = urls, AllowedHosts = allowed }));
    }

    [Fact]
    public void NewSignInAndSessionSettings_AreValidated_OneLineEach()
    {
        var options = new DashboardOptions
        {
            Urls = "http://127.0.0.1:8081",
            EditorToken = new string('e', 20),
            SessionMaxHours = 0,
            MaxFailedSignInsPerMinute = 10,
            MaxFailedSignInsPerMinuteInTotal = 5,
            AllowedHosts = "https://admin.example.com/;admin.example.com",
        };
        var problems = DashboardOptionsValidator.Problems(options, [5000]).ToList();
        Assert.Equal(3, problems.Count);
        Assert.Contains("BrandBot:Dashboard:SessionMaxHours must be between 1 and 720 (got 0)", problems);
        Assert.Contains(problems, p => p.StartsWith("BrandBot:Dashboard:MaxFailedSignInsPerMinuteInTotal (5) must not be below", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("BrandBot:Dashboard:AllowedHosts entry 'https://admin.example.com/'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Csv_HasAByteOrderMark_QuotesWhatNeedsIt_AndDefusesFormulas()
    {
        var result = Csv.File("t.csv", ["text", "count"], [["a,b", 1L], ["=1+1", 2L], ["say \"hi\"", 3L]]);
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
        context.RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();
        await result.ExecuteAsync(context);
        var bytes = ((MemoryStream)context.Response.Body).ToArray();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.Equal("text,count\r\n\"a,b\",1\r\n'=1+1,2\r\n\"say \"\"hi\"\"\",3\r\n", Encoding.UTF8.GetString(bytes[3..]));
    }
}
