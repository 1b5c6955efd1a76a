using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BrandBot.Protocol.Crypto.Ciphers;

/// <summary>
/// AES-256 in CBC mode without padding, over one key expanded once (docs/protocol.md §2.4 and
/// docs/performance.md, "The envelope's AES"). On CPUs with AES instructions (x86 AES-NI, Arm64's AES
/// extension) the rounds run here, with the round keys in pinned memory that is zeroed on
/// <see cref="Dispose"/>; elsewhere, or with <c>DOTNET_EnableAES=0</c>, .NET's own <c>Aes</c> (OpenSSL on
/// Linux) does the work. Instances are safe to share between threads: they hold no state between calls.
/// </summary>
public abstract class AesCbc : IDisposable
{
    public const int KeyLength = 32;
    public const int BlockLength = 16;

    private int _disposed;

    /// <summary>Which implementation <see cref="Create"/> picks on this process: "x86-aes", "arm64-aes" or "dotnet".</summary>
    public static string Preferred =>
        X86AesRounds.IsSupported ? X86AesRounds.Name : ArmAesRounds.IsSupported ? ArmAesRounds.Name : DotNetAesCbc.Name;

    /// <summary>The name of this instance's implementation (see <see cref="Preferred"/>).</summary>
    public abstract string Implementation { get; }

    /// <summary>The fastest implementation the CPU and the runtime allow.</summary>
    public static AesCbc Create(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        return X86AesRounds.IsSupported ? new IntrinsicAesCbc<X86AesRounds>(key)
            : ArmAesRounds.IsSupported ? new IntrinsicAesCbc<ArmAesRounds>(key)
            : new DotNetAesCbc(key);
    }

    /// <summary>The .NET (OpenSSL) implementation whatever the CPU offers: the reference the tests compare against.</summary>
    public static AesCbc CreatePortable(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        return new DotNetAesCbc(key);
    }

    /// <summary>
    /// Encrypts whole blocks. <paramref name="destination"/> may be <paramref name="source"/> itself
    /// (in place) or memory that does not overlap it; a partial overlap is refused.
    /// </summary>
    public void Encrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        CheckArguments(iv, source, destination);
        EncryptCore(iv, source, destination[..source.Length]);
    }

    /// <summary>Decrypts whole blocks; the same rules as <see cref="Encrypt"/>.</summary>
    public void Decrypt(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        CheckArguments(iv, source, destination);
        DecryptCore(iv, source, destination[..source.Length]);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ForgetKey();
            GC.SuppressFinalize(this);
        }
    }

    protected abstract void EncryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination);

    protected abstract void DecryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination);

    /// <summary>Zeroes whatever holds the key.</summary>
    protected abstract void ForgetKey();

    /// <summary>Round keys live in pinned memory: the collector never leaves a copy behind when it compacts.</summary>
    protected static byte[] AllocateRoundKeys(int bytes) => GC.AllocateArray<byte>(bytes, pinned: true);

    private void CheckArguments(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (iv.Length != BlockLength)
        {
            throw new ArgumentException("The IV must be 16 bytes.", nameof(iv));
        }

        if (source.Length % BlockLength != 0)
        {
            throw new ArgumentException("CBC without padding takes whole 16-byte blocks.", nameof(source));
        }

        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        // Blocks are read before the same blocks are written, never after: in place is safe, a shifted overlap is not.
        if (source.Overlaps(destination, out var offset) && offset != 0)
        {
            throw new ArgumentException("The destination partly overlaps the source.", nameof(destination));
        }
    }

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException("AES-256 takes a 32-byte key.", nameof(key));
        }
    }

    /// <summary>A reference to the first byte, for vector loads and stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static ref byte At(ReadOnlySpan<byte> span) => ref MemoryMarshal.GetReference(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static ref byte At(Span<byte> span) => ref MemoryMarshal.GetReference(span);
}
