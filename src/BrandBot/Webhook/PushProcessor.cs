using System.Globalization;
using BrandBot.Logging;
using BrandBot.Metrics;
using BrandBot.Protocol.Crypto;
using BrandBot.Protocol.Inbound;
using BrandBot.Protocol.Replies;
using BrandBot.Protocol.Xml;
using BrandBot.Rules.Matching;
using BrandBot.Rules.Store;
using Microsoft.Extensions.Logging;

namespace BrandBot.Webhook;

/// <summary>
/// One push from signature to reply: verify, open the envelope, parse, route through the live rules,
/// write the reply and seal it again. Every protocol failure becomes a 4xx with a reason; anything
/// unexpected is logged and answered with <c>success</c> so the follower never sees an error banner.
/// </summary>
public sealed class PushProcessor(
    LiveRuleSets rules,
    TimeProvider time,
    IEntropy entropy,
    Random random,
    FollowerHasher hasher,
    HitRecorder hits,
    ILogger<PushProcessor> logger)
{
    public WebhookAnswer Verify(WeChatAccount account, PushQuery query, string? echostr)
    {
        if (!Signature.Verify(query.Signature, account.Token, query.Timestamp, query.Nonce))
        {
            return WebhookAnswer.Reject(401, "invalid signature");
        }

        if (string.IsNullOrEmpty(echostr))
        {
            return WebhookAnswer.Reject(400, "echostr is missing");
        }

        Log.Verified(logger, account.Name);
        // protocol.md §1.3: exactly echostr, byte for byte.
        return WebhookAnswer.Plain(echostr);
    }

    public WebhookAnswer Process(WeChatAccount account, PushQuery query, ReadOnlyMemory<byte> body)
    {
        // protocol.md §11.3: the three-string signature first, in every mode; nothing is parsed before it.
        if (!Signature.Verify(query.Signature, account.Token, query.Timestamp, query.Nonce))
        {
            return WebhookAnswer.Reject(401, "invalid signature");
        }

        try
        {
            return query switch
            {
                { IsEncrypted: true } => ProcessEncrypted(account, query, body),
                { IsPlain: true } => Answer(account, InboundParser.Parse(body), null, query),
                _ => WebhookAnswer.Reject(400, "encrypt_type must be raw or aes"),
            };
        }
        catch (InboundXmlException ex)
        {
            return WebhookAnswer.Reject(400, "bad XML: " + ex.Reason);
        }
        catch (WeChatCryptoException ex) when (ex.Error == WeChatCryptoError.ValidateSignature)
        {
            return WebhookAnswer.Reject(401, $"invalid msg_signature ({ex.Code})");
        }
        catch (WeChatCryptoException ex)
        {
            return WebhookAnswer.Reject(400, $"cannot decrypt: {ex.Reason} ({ex.Code})");
        }
        catch (Exception ex)
        {
            Log.PushFailed(logger, account.Name, ex);
            return WebhookAnswer.Success;
        }
    }

    private WebhookAnswer ProcessEncrypted(WeChatAccount account, PushQuery query, ReadOnlyMemory<byte> body)
    {
        if (account.Crypto is null)
        {
            return WebhookAnswer.Reject(400, "encrypted push but the account has no EncodingAESKey");
        }

        // protocol.md §2.2: one path for compatible and safe mode; the decrypted XML is the only truth.
        var envelope = PushXmlReader.Read(body);
        var encrypt = envelope["Encrypt"];
        if (string.IsNullOrEmpty(encrypt))
        {
            throw new WeChatCryptoException(WeChatCryptoError.ParseXml, "Encrypt element is missing");
        }

        if (!Signature.Verify(query.MsgSignature, account.Token, query.Timestamp, query.Nonce, encrypt))
        {
            throw new WeChatCryptoException(WeChatCryptoError.ValidateSignature, "msg_signature mismatch");
        }

        var opened = account.Crypto.Open(encrypt);
        return Answer(account, InboundParser.Parse(opened.Message), opened.Key, query);
    }

    private WebhookAnswer Answer(WeChatAccount account, InboundMessage message, byte[]? sealKey, PushQuery query)
    {
        var text = CompiledRuleSet.NormalizedTextOf(message);
        var route = rules.Get(account.Name).Route(message, text);
        hits.Record(account.Name, message, route, text);
        var body = route.HasReply ? PickBody(route.Replies!, message.IsUserMessage) : null;
        LogAnswer(account, message, route, body);
        if (body is null)
        {
            return WebhookAnswer.Success;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var xml = ReplyWriter.Write(message.FromUserName, message.ToUserName, now, body);
        return sealKey is null ? WebhookAnswer.Xml(xml) : WebhookAnswer.Xml(Seal(account, sealKey, xml, now, query.Nonce));
    }

    private ReplyBody? PickBody(CompiledReplyGroup group, bool answeringUserMessage)
    {
        var index = group.PickPassive(random);
        return group.Replies[index].BodyFor(answeringUserMessage);
    }

    private byte[] Seal(WeChatAccount account, byte[] key, byte[] xml, long now, string nonce)
    {
        Span<byte> prefix = stackalloc byte[16];
        entropy.Fill(prefix);
        var encrypt = Envelope.Seal(key, prefix, xml, account.AppId);
        var timeStamp = now.ToString(CultureInfo.InvariantCulture);
        // protocol.md §2.5: the signature covers exactly the strings written into the envelope.
        var signature = Signature.Compute(account.Token, timeStamp, nonce, encrypt);
        return ReplyWriter.WriteEncrypted(encrypt, signature, timeStamp, nonce);
    }

    private void LogAnswer(WeChatAccount account, InboundMessage message, RouteResult route, ReplyBody? body)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var @event = message is EventMessage e ? e.Event : "-";
            Log.Answered(logger, account.Name, message.MsgType, @event, hasher.Hash(message.FromUserName), route.Kind.ToString(), route.RuleName, body?.MsgType ?? ReplyWriter.Success);
        }
    }
}
