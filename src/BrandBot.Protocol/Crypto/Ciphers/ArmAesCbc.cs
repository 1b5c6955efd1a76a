using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ArmAes = System.Runtime.Intrinsics.Arm.Aes;
using AdvSimd = System.Runtime.Intrinsics.Arm.AdvSimd;

namespace BrandBot.Protocol.Crypto.Ciphers;

/// <summary>
/// AES-256-CBC on Arm64's AES extension (AESE/AESMC, AESD/AESIMC: constant time, no tables). The
/// same shape as <see cref="X86AesCbc"/>: decryption eight blocks at a time, encryption one. Arm's
/// AESE/AESD apply the round key before SubBytes/ShiftRows, so a round here is "key, then the rest",
/// and the last key is a plain XOR.
/// </summary>
internal sealed class ArmAesCbc : AesCbc
{
    public const string Name = "arm64-aes";
    private const int Rounds = 14;
    private const int Width = 8;

    private readonly byte[] _roundKeys = AllocateRoundKeys(2 * (Rounds + 1) * BlockLength);

    public ArmAesCbc(ReadOnlySpan<byte> key)
    {
        ExpandKey(key);
    }

    /// <summary><c>DOTNET_EnableArm64Aes=0</c> (or <c>DOTNET_EnableHWIntrinsic=0</c>) turns it off.</summary>
    public static bool IsSupported => ArmAes.IsSupported && AdvSimd.IsSupported;

    public override string Implementation => Name;

    protected override void EncryptCore(ReadOnlySpan<byte> iv, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ref var keys = ref _roundKeys[0];
        var chain = Vector128.LoadUnsafe(ref At(iv));
        ref var from = ref At(source);
        ref var to = ref At(destination);
        for (nuint at = 0; at < (nuint)source.Length; at += BlockLength)
        {
            var state = Vector128.LoadUnsafe(ref from, at) ^ chain;
            for (var round = 0; round < Rounds - 1; round++)
            {
                state = ArmAes.MixColumns(ArmAes.Encrypt(state, Key(ref keys, round)));
            }

            chain = ArmAes.Encrypt(state, Key(ref keys, Rounds - 1)) ^ Key(ref keys, Rounds);
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
        for (; at + (Width * BlockLength) <= length; at += Width * BlockLength)
        {
            var c0 = Vector128.LoadUnsafe(ref from, at);
            var c1 = Vector128.LoadUnsafe(ref from, at + 16);
            var c2 = Vector128.LoadUnsafe(ref from, at + 32);
            var c3 = Vector128.LoadUnsafe(ref from, at + 48);
            var c4 = Vector128.LoadUnsafe(ref from, at + 64);
            var c5 = Vector128.LoadUnsafe(ref from, at + 80);
            var c6 = Vector128.LoadUnsafe(ref from, at + 96);
            var c7 = Vector128.LoadUnsafe(ref from, at + 112);
            var (s0, s1, s2, s3, s4, s5, s6, s7) = (c0, c1, c2, c3, c4, c5, c6, c7);
            for (var round = 0; round < Rounds - 1; round++)
            {
                var k = Key(ref keys, round);
                s0 = ArmAes.InverseMixColumns(ArmAes.Decrypt(s0, k));
                s1 = ArmAes.InverseMixColumns(ArmAes.Decrypt(s1, k));
                s2 = ArmAes.InverseMixColumns(ArmAes.Decrypt(s2, k));
                s3 = ArmAes.InverseMixColumns(ArmAes.Decrypt(s3, k));
                s4 = ArmAes.InverseMixColumns(ArmAes.Decrypt(s4, k));
                s5 = ArmAes.InverseMixColumns(ArmAes.Decrypt(s5, k));
                s6 = ArmAes.InverseMixColumns(ArmAes.Decrypt(s6, k));
                s7 = ArmAes.InverseMixColumns(ArmAes.Decrypt(s7, k));
            }

            var penultimate = Key(ref keys, Rounds - 1);
            var last = Key(ref keys, Rounds);
            (ArmAes.Decrypt(s0, penultimate) ^ last ^ chain).StoreUnsafe(ref to, at);
            (ArmAes.Decrypt(s1, penultimate) ^ last ^ c0).StoreUnsafe(ref to, at + 16);
            (ArmAes.Decrypt(s2, penultimate) ^ last ^ c1).StoreUnsafe(ref to, at + 32);
            (ArmAes.Decrypt(s3, penultimate) ^ last ^ c2).StoreUnsafe(ref to, at + 48);
            (ArmAes.Decrypt(s4, penultimate) ^ last ^ c3).StoreUnsafe(ref to, at + 64);
            (ArmAes.Decrypt(s5, penultimate) ^ last ^ c4).StoreUnsafe(ref to, at + 80);
            (ArmAes.Decrypt(s6, penultimate) ^ last ^ c5).StoreUnsafe(ref to, at + 96);
            (ArmAes.Decrypt(s7, penultimate) ^ last ^ c6).StoreUnsafe(ref to, at + 112);
            chain = c7;
        }

        for (; at < length; at += BlockLength)
        {
            var c = Vector128.LoadUnsafe(ref from, at);
            var s = c;
            for (var round = 0; round < Rounds - 1; round++)
            {
                s = ArmAes.InverseMixColumns(ArmAes.Decrypt(s, Key(ref keys, round)));
            }

            (ArmAes.Decrypt(s, Key(ref keys, Rounds - 1)) ^ Key(ref keys, Rounds) ^ chain).StoreUnsafe(ref to, at);
            chain = c;
        }
    }

    protected override void ForgetKey() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(_roundKeys);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Key(ref byte keys, int round) => Vector128.LoadUnsafe(ref keys, (nuint)(round * BlockLength));

    /// <summary>
    /// FIPS 197 §5.2 for Nk = 8. SubWord comes from AESE with a zero key on the word copied into all four
    /// columns: ShiftRows then moves bytes between identical columns, so only SubBytes shows.
    /// </summary>
    private void ExpandKey(ReadOnlySpan<byte> key)
    {
        Span<uint> w = stackalloc uint[4 * (Rounds + 1)];
        for (var i = 0; i < 8; i++)
        {
            w[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(key[(4 * i)..]);
        }

        uint rcon = 1;
        for (var i = 8; i < w.Length; i++)
        {
            var temp = w[i - 1];
            if (i % 8 == 0)
            {
                // Little-endian words: RotWord is a rotation right by 8 bits.
                temp = System.Numerics.BitOperations.RotateRight(SubWord(temp), 8) ^ rcon;
                rcon <<= 1;
            }
            else if (i % 8 == 4)
            {
                temp = SubWord(temp);
            }

            w[i] = w[i - 8] ^ temp;
        }

        var schedule = _roundKeys.AsSpan();
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(w).CopyTo(schedule);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w));

        var inverse = schedule[((Rounds + 1) * BlockLength)..];
        schedule.Slice(Rounds * BlockLength, BlockLength).CopyTo(inverse);
        for (var round = 1; round < Rounds; round++)
        {
            var k = Vector128.Create((ReadOnlySpan<byte>)schedule.Slice((Rounds - round) * BlockLength, BlockLength));
            ArmAes.InverseMixColumns(k).CopyTo(inverse[(round * BlockLength)..]);
        }

        schedule[..BlockLength].CopyTo(inverse[(Rounds * BlockLength)..]);
    }

    private static uint SubWord(uint word) =>
        ArmAes.Encrypt(Vector128.Create(word).AsByte(), Vector128<byte>.Zero).AsUInt32().ToScalar();
}
