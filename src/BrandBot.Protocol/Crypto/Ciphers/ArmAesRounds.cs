using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using AdvSimd = System.Runtime.Intrinsics.Arm.AdvSimd;
using ArmAes = System.Runtime.Intrinsics.Arm.Aes;

namespace BrandBot.Protocol.Crypto.Ciphers;

/// <summary>
/// AES rounds on Arm64's AES extension: AESE/AESD XOR the key first and then SubBytes/ShiftRows (or their
/// inverses), AESMC/AESIMC are the (Inv)MixColumns. So a step is "key, then the round", the
/// penultimate key's step has no (Inv)MixColumns, and the last key is a plain XOR.
/// </summary>
internal readonly struct ArmAesRounds : IAesRounds
{
    private const int Rounds = 14;

    public static string Name => "arm64-aes";

    /// <summary><c>DOTNET_EnableArm64Aes=0</c> (or <c>DOTNET_EnableHWIntrinsic=0</c>) turns it off.</summary>
    public static bool IsSupported => ArmAes.IsSupported && AdvSimd.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> EncryptFirst(Vector128<byte> block, Vector128<byte> key) => ArmAes.MixColumns(ArmAes.Encrypt(block, key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> EncryptMiddle(Vector128<byte> state, Vector128<byte> key) => ArmAes.MixColumns(ArmAes.Encrypt(state, key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> EncryptPenultimate(Vector128<byte> state, Vector128<byte> key) => ArmAes.Encrypt(state, key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> EncryptLast(Vector128<byte> state, Vector128<byte> key) => state ^ key;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> DecryptFirst(Vector128<byte> block, Vector128<byte> key) => ArmAes.InverseMixColumns(ArmAes.Decrypt(block, key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> DecryptMiddle(Vector128<byte> state, Vector128<byte> key) => ArmAes.InverseMixColumns(ArmAes.Decrypt(state, key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> DecryptPenultimate(Vector128<byte> state, Vector128<byte> key) => ArmAes.Decrypt(state, key);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> DecryptLast(Vector128<byte> state, Vector128<byte> key) => state ^ key;

    public static Vector128<byte> InverseMixColumns(Vector128<byte> roundKey) => ArmAes.InverseMixColumns(roundKey);

    /// <summary>
    /// FIPS 197 §5.2 for Nk = 8. SubWord comes from AESE with a zero key on the word copied into all four
    /// columns: ShiftRows then moves bytes between identical columns, so only SubBytes shows.
    /// </summary>
    public static void ExpandKey(ReadOnlySpan<byte> key, Span<byte> schedule)
    {
        Span<uint> w = stackalloc uint[4 * (Rounds + 1)];
        for (var i = 0; i < 8; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(4 * i)..]);
        }

        uint rcon = 1;
        for (var i = 8; i < w.Length; i++)
        {
            var temp = w[i - 1];
            if (i % 8 == 0)
            {
                // Little-endian words: RotWord is a rotation right by 8 bits.
                temp = BitOperations.RotateRight(SubWord(temp), 8) ^ rcon;
                rcon <<= 1;
            }
            else if (i % 8 == 4)
            {
                temp = SubWord(temp);
            }

            w[i] = w[i - 8] ^ temp;
        }

        MemoryMarshal.AsBytes(w).CopyTo(schedule);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(w));
    }

    private static uint SubWord(uint word) =>
        ArmAes.Encrypt(Vector128.Create(word).AsByte(), Vector128<byte>.Zero).AsUInt32().ToScalar();
}
