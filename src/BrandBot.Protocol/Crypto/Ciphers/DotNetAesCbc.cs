using System.Security.Cryptography;

namespace BrandBot.Protocol.Crypto.Ciphers;

/// <summary>
/// The fallback where the CPU has no AES instructions (or the runtime is told not to use them):
/// .NET's <see cref="System.Security.Cryptography.Aes"/>, OpenSSL on Linux. An <c>Aes</c> instance is not
/// documented as safe to share, so each thread gets its own, made once per thread and key; OpenSSL still
/// sets a cipher context up and expands the key on every call (docs/performance.md, "The envelope's AES").
/// </summary>
internal sealed class DotNetAesCbc : AesCbc
{
    public const string Name = "dotnet";

    private readonly byte[] _key;
    private readonly ThreadLocal<System.Security.Cryptography.Aes> _perThread;

    public DotNetAesCbc(ReadOnlySpan<byte> key)
    {
        _key = GC.AllocateArray<byte>(KeyLength, pinned: true);
        key.CopyTo(_key);
        _perThread = new(Create, trackAllValues: true);
    }

    public override string Implementation => Name;

    protected override void EncryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination) =>
        _perThread.Value!.EncryptCbc(source, iv, destination, PaddingMode.None);

    protected override void DecryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination) =>
        _perThread.Value!.DecryptCbc(source, iv, destination, PaddingMode.None);

    protected override void ForgetKey()
    {
        CryptographicOperations.ZeroMemory(_key);
        foreach (var cipher in _perThread.Values)
        {
            cipher.Dispose();
        }

        _perThread.Dispose();
    }

    private System.Security.Cryptography.Aes Create()
    {
        var cipher = System.Security.Cryptography.Aes.Create();
        cipher.Key = _key;
        return cipher;
    }
}
