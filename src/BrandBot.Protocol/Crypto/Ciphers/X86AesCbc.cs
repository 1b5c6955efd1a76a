using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace BrandBot.Protocol.Crypto.Ciphers;

/// <summary>
/// AES-256-CBC on x86's AES-NI (FIPS 197 rounds in hardware: constant time, no tables). Decryption
/// runs eight blocks at a time — CBC decryption has no chain between blocks' rounds, so the CPU overlaps
/// them — and encryption, which chains, one block at a time.
/// </summary>
internal sealed class X86AesCbc : AesCbc
{
    public const string Name = "x86-aes";
    private const int Rounds = 14;
    private const int Width = 8;

    // Encryption round keys 0..14, then the decryption ("equivalent inverse cipher") keys 0..14.
    private readonly byte[] _roundKeys = AllocateRoundKeys(2 * (Rounds + 1) * BlockLength);

    public X86AesCbc(ReadOnlySpan<byte> key)
    {
        ExpandKey(key);
    }

    /// <summary>Both AES-NI and SSE2 are on (<c>DOTNET_EnableAES=0</c> or <c>DOTNET_EnableHWIntrinsic=0</c> turns them off).</summary>
    public static bool IsSupported => X86Aes.IsSupported && X86Sse2.IsSupported;

    public override string Implementation => Name;

    protected override void EncryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ref var keys = ref _roundKeys[0];
        var k0 = Key(ref keys, 0);
        var chain = Vector128.LoadUnsafe(ref At(iv));
        ref var from = ref At(source);
        ref var to = ref At(destination);
        for (nuint at = 0; at < (nuint)source.Length; at += BlockLength)
        {
            var state = Vector128.LoadUnsafe(ref from, at) ^ chain ^ k0;
            for (var round = 1; round < Rounds; round++)
            {
                state = X86Aes.Encrypt(state, Key(ref keys, round));
            }

            chain = X86Aes.EncryptLast(state, Key(ref keys, Rounds));
            chain.StoreUnsafe(ref to, at);
        }
    }

    protected override void DecryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ref var keys = ref _roundKeys[(Rounds + 1) * BlockLength];
        var chain = Vector128.LoadUnsafe(ref At(iv));
        ref var from = ref At(source);
        ref var to = ref At(destination);
        var length = (nuint)source.Length;
        nuint at = 0;
        var k0 = Key(ref keys, 0);
        for (; at + (Width * BlockLength) <= length; at += Width * BlockLength)
        {
            // Every ciphertext block is read before any plaintext is written: decrypting in place is safe.
            var c0 = Vector128.LoadUnsafe(ref from, at);
            var c1 = Vector128.LoadUnsafe(ref from, at + 16);
            var c2 = Vector128.LoadUnsafe(ref from, at + 32);
            var c3 = Vector128.LoadUnsafe(ref from, at + 48);
            var c4 = Vector128.LoadUnsafe(ref from, at + 64);
            var c5 = Vector128.LoadUnsafe(ref from, at + 80);
            var c6 = Vector128.LoadUnsafe(ref from, at + 96);
            var c7 = Vector128.LoadUnsafe(ref from, at + 112);
            var s0 = c0 ^ k0;
            var s1 = c1 ^ k0;
            var s2 = c2 ^ k0;
            var s3 = c3 ^ k0;
            var s4 = c4 ^ k0;
            var s5 = c5 ^ k0;
            var s6 = c6 ^ k0;
            var s7 = c7 ^ k0;
            for (var round = 1; round < Rounds; round++)
            {
                var k = Key(ref keys, round);
                s0 = X86Aes.Decrypt(s0, k);
                s1 = X86Aes.Decrypt(s1, k);
                s2 = X86Aes.Decrypt(s2, k);
                s3 = X86Aes.Decrypt(s3, k);
                s4 = X86Aes.Decrypt(s4, k);
                s5 = X86Aes.Decrypt(s5, k);
                s6 = X86Aes.Decrypt(s6, k);
                s7 = X86Aes.Decrypt(s7, k);
            }

            var last = Key(ref keys, Rounds);
            (X86Aes.DecryptLast(s0, last) ^ chain).StoreUnsafe(ref to, at);
            (X86Aes.DecryptLast(s1, last) ^ c0).StoreUnsafe(ref to, at + 16);
            (X86Aes.DecryptLast(s2, last) ^ c1).StoreUnsafe(ref to, at + 32);
            (X86Aes.DecryptLast(s3, last) ^ c2).StoreUnsafe(ref to, at + 48);
            (X86Aes.DecryptLast(s4, last) ^ c3).StoreUnsafe(ref to, at + 64);
            (X86Aes.DecryptLast(s5, last) ^ c4).StoreUnsafe(ref to, at + 80);
            (X86Aes.DecryptLast(s6, last) ^ c5).StoreUnsafe(ref to, at + 96);
            (X86Aes.DecryptLast(s7, last) ^ c6).StoreUnsafe(ref to, at + 112);
            chain = c7;
        }

        for (; at < length; at += BlockLength)
        {
            var c = Vector128.LoadUnsafe(ref from, at);
            var s = c ^ k0;
            for (var round = 1; round < Rounds; round++)
            {
                s = X86Aes.Decrypt(s, Key(ref keys, round));
            }

            (X86Aes.DecryptLast(s, Key(ref keys, Rounds)) ^ chain).StoreUnsafe(ref to, at);
            chain = c;
        }
    }

    protected override void ForgetKey() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(_roundKeys);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Key(ref byte keys, int round) => Vector128.LoadUnsafe(ref keys, (nuint)(round * BlockLength));

    /// <summary>FIPS 197 §5.2 for Nk = 8, with AESKEYGENASSIST doing SubWord/RotWord; then the decryption keys (§5.3.5).</summary>
    private void ExpandKey(ReadOnlySpan<byte> key)
    {
        var schedule = _roundKeys.AsSpan();
        var even = Vector128.Create(key[..16]);
        var odd = Vector128.Create(key[16..]);
        even.CopyTo(schedule);
        odd.CopyTo(schedule[16..]);
        for (var i = 0; i < 7; i++)
        {
            // RotWord(SubWord(last word)) ^ Rcon, broadcast to all four words.
            var assist = X86Sse2.Shuffle(AssistWithRcon(odd, i).AsUInt32(), 0xFF).AsByte();
            even = Spread(even) ^ assist;
            even.CopyTo(schedule[(((2 * i) + 2) * 16)..]);
            if (i == 6)
            {
                break;
            }

            // SubWord(last word), no rotation and no Rcon, for the second half of each 256-bit step.
            var sub = X86Sse2.Shuffle(X86Aes.KeygenAssist(even, 0).AsUInt32(), 0xAA).AsByte();
            odd = Spread(odd) ^ sub;
            odd.CopyTo(schedule[(((2 * i) + 3) * 16)..]);
        }

        var inverse = schedule[((Rounds + 1) * BlockLength)..];
        schedule.Slice(Rounds * BlockLength, BlockLength).CopyTo(inverse);
        for (var round = 1; round < Rounds; round++)
        {
            var k = Vector128.Create(schedule.Slice((Rounds - round) * BlockLength, BlockLength));
            X86Aes.InverseMixColumns(k).CopyTo(inverse[(round * BlockLength)..]);
        }

        schedule[..BlockLength].CopyTo(inverse[(Rounds * BlockLength)..]);
    }

    /// <summary>AESKEYGENASSIST with step <paramref name="step"/>'s round constant (FIPS 197 §5.2: 01, 02, 04, … 40); the instruction takes it as an immediate.</summary>
    private static Vector128<byte> AssistWithRcon(Vector128<byte> k, int step) => step switch
    {
        0 => X86Aes.KeygenAssist(k, 0x01),
        1 => X86Aes.KeygenAssist(k, 0x02),
        2 => X86Aes.KeygenAssist(k, 0x04),
        3 => X86Aes.KeygenAssist(k, 0x08),
        4 => X86Aes.KeygenAssist(k, 0x10),
        5 => X86Aes.KeygenAssist(k, 0x20),
        _ => X86Aes.KeygenAssist(k, 0x40),
    };

    /// <summary>w[i] ^= w[i-1] ^ … ^ w[0] within one 128-bit group: each word XOR all the words before it.</summary>
    private static Vector128<byte> Spread(Vector128<byte> k)
    {
        k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
        k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
        k ^= X86Sse2.ShiftLeftLogical128BitLane(k, 4);
        return k;
    }
}
