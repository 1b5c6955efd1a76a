namespace BrandBot.Protocol.Crypto;

/// <summary>
/// The error codes of Tencent's official WXBizMsgCrypt samples (docs/protocol.md §6).
/// They are library codes, never sent on the wire; we keep them so operators can
/// match our log lines against WeChat's own documentation.
/// </summary>
public enum WeChatCryptoError
{
    ValidateSignature = -40001,
    ParseXml = -40002,
    ComputeSignature = -40003,
    IllegalAesKey = -40004,
    ValidateAppId = -40005,
    EncryptAes = -40006,
    DecryptAes = -40007,
    IllegalBuffer = -40008,
    EncodeBase64 = -40009,
    DecodeBase64 = -40010,
    GenReturnXml = -40011,
}
