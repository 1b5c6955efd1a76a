using System.Text;
using BrandBot.Delivery.Dedup;
using BrandBot.Protocol.Inbound;

namespace BrandBot.Delivery.Tests.Dedup;

public class PushKeyTests
{
    private const string Follower = "o9AgO5Kd5ggOC-bXrbNODIiE3bGY";

    [Fact]
    public void SameFollowerAndMsgId_IsTheSamePush_WhateverElseDiffers()
    {
        // A retry carries identical content; even a different CreateTime must not split it.
        Assert.Equal(PushKey.Of(Text(Follower, 42, 1000)), PushKey.Of(Text(Follower, 42, 1005)));
    }

    [Fact]
    public void TwoFollowersWithTheSameMsgId_AreNeverConfused()
    {
        // docs/peers.md §3.2 (WxJava#333): MsgId alone collided for simultaneous voice messages.
        Assert.NotEqual(PushKey.Of(Text(Follower, 42, 1000)), PushKey.Of(Text("oOther", 42, 1000)));
    }

    [Fact]
    public void Events_AreKeyedByFollowerTimeEventAndKey()
    {
        var click = Event(Follower, 1000, "CLICK", "HOURS");
        Assert.Equal(PushKey.Of(click), PushKey.Of(Event(Follower, 1000, "CLICK", "HOURS")));
        Assert.NotEqual(PushKey.Of(click), PushKey.Of(Event(Follower, 1000, "CLICK", "NEWS")));
        Assert.NotEqual(PushKey.Of(click), PushKey.Of(Event(Follower, 1001, "CLICK", "HOURS")));
        Assert.NotEqual(PushKey.Of(click), PushKey.Of(Event(Follower, 1000, "VIEW", "HOURS")));
        // Unsubscribe then subscribe in the same second are two pushes.
        Assert.NotEqual(PushKey.Of(Event(Follower, 1000, "unsubscribe", "")), PushKey.Of(Event(Follower, 1000, "subscribe", "")));
    }

    [Fact]
    public void JobFinishedEvents_AlsoUseTheirMsgID()
    {
        // docs/peers.md §3.2 (WeiXinMPSDK#2605): these arrive in bulk with equal timestamps, told apart by MsgID.
        var a = Parse($"<xml><ToUserName>gh</ToUserName><FromUserName>{Follower}</FromUserName><CreateTime>1000</CreateTime><MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>1</MsgID><Status>success</Status></xml>");
        var b = Parse($"<xml><ToUserName>gh</ToUserName><FromUserName>{Follower}</FromUserName><CreateTime>1000</CreateTime><MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>2</MsgID><Status>success</Status></xml>");
        Assert.IsType<JobFinishedEvent>(a);
        Assert.NotEqual(PushKey.Of(a), PushKey.Of(b));
    }

    [Fact]
    public void StoredKey_IsHexAndHidesTheOpenId()
    {
        var key = PushKey.Of(Text(Follower, 42, 1000));
        Assert.Matches("^[0-9a-f]{40}$", key);
        Assert.DoesNotContain(Follower, IdentityOf(Event("x", 1, "a", "b")) + key);
    }

    [Fact]
    public void FollowerKey_IsPerFollower_AndHidesTheOpenId()
    {
        var follower = PushKey.Follower(Text(Follower, 1, 1000));
        Assert.Equal(follower, PushKey.Follower(Text(Follower, 2, 2000)));
        Assert.NotEqual(follower, PushKey.Follower(Text("oOther", 1, 1000)));
        Assert.NotEqual(follower, PushKey.Of(Text(Follower, 1, 1000)));
        Assert.Matches("^[0-9a-f]{40}$", follower);
    }

    [Theory]
    [InlineData("<MsgType>text</MsgType><Content>hi</Content><MsgId>42</MsgId>")]
    [InlineData("<MsgType>voice</MsgType><MediaId>m</MediaId><MsgID>7</MsgID>")]
    [InlineData("<MsgType>event</MsgType><Event>CLICK</Event><EventKey>菜单 😀</EventKey>")]
    [InlineData("<MsgType>event</MsgType><Event>subscribe</Event>")]
    [InlineData("<MsgType>event</MsgType><Event>MASSSENDJOBFINISH</Event><MsgID>1000001</MsgID>")]
    [InlineData("<MsgType>miniprogrampage</MsgType><MsgId>9</MsgId>")]
    [InlineData("<MsgType>mystery</MsgType>")]
    public void StoredKey_IsTheHashOfTheIdentity_WithoutBuildingIt(string rest)
    {
        // Records written before the identity stopped being a string must still be found: the same bytes are hashed.
        var message = Parse($"<xml><ToUserName>gh</ToUserName><FromUserName>{Follower}</FromUserName><CreateTime>1714112445</CreateTime>{rest}</xml>");
        Assert.Equal(PushKey.Hash(IdentityOf(message)), PushKey.Of(message));
        var longKey = Parse($"<xml><ToUserName>gh</ToUserName><FromUserName>{Follower}</FromUserName><CreateTime>-5</CreateTime><MsgType>event</MsgType><Event>VIEW</Event><EventKey>{new string('k', 3000)}</EventKey></xml>");
        Assert.Equal(PushKey.Hash(IdentityOf(longKey)), PushKey.Of(longKey));
    }

    private static InboundMessage Text(string from, long msgId, long createTime) =>
        Parse($"<xml><ToUserName>gh</ToUserName><FromUserName>{from}</FromUserName><CreateTime>{createTime}</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>{msgId}</MsgId></xml>");

    private static InboundMessage Event(string from, long createTime, string name, string key) =>
        Parse($"<xml><ToUserName>gh</ToUserName><FromUserName>{from}</FromUserName><CreateTime>{createTime}</CreateTime><MsgType>event</MsgType><Event>{name}</Event><EventKey>{key}</EventKey></xml>");

    private static InboundMessage Parse(string xml) => InboundParser.Parse(Encoding.UTF8.GetBytes(xml));

    /// <summary>
    /// The identity as the string it was before the stored key stopped building one: records already
    /// written hold hashes of exactly these bytes, so PushKey must go on producing them.
    /// </summary>
    private static string IdentityOf(InboundMessage message) => message switch
    {
        UserMessage user => $"m\n{message.FromUserName}\n{user.MsgId}",
        JobFinishedEvent job => $"e\n{message.FromUserName}\n{message.CreateTime}\n{job.Event}\n{job.EventKey}\n{job.MsgID}",
        EventMessage @event => $"e\n{message.FromUserName}\n{message.CreateTime}\n{@event.Event}\n{@event.EventKey}",
        _ => $"u\n{message.FromUserName}\n{message.CreateTime}\n{message.MsgType}\n{message.Fields["MsgId"] ?? message.Fields["MsgID"]}",
    };
}
