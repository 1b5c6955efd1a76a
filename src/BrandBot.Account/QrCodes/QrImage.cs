using System.Text;
using QRCoder;

namespace BrandBot.Account.QrCodes;

/// <summary>
/// A scene's code as an image, drawn here from the code's URL (docs/wechat-account-apis.md §2.3: "render the image
/// yourself"; showqrcode needs the network and gives a 430 px JPEG). PNG for screens, SVG for print.
/// Rendering is QRCoder's: managed code, no System.Drawing, PNG and SVG writers of its own.
/// </summary>
public static class QrImage
{
    public const int DefaultSize = 430;

    public static bool IsSvg(string path) => path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);

    public static bool IsPng(string path) => path.EndsWith(".png", StringComparison.OrdinalIgnoreCase);

    /// <param name="size">About this many pixels wide (whole pixels per module, so at most a module less; never under 1 per module).</param>
    public static byte[] Render(string url, bool svg, int size = DefaultSize)
    {
        using var generator = new QRCodeGenerator();
        // Quartile error correction: a printed poster survives scuffs and a logo sticker.
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.Q);
        var perModule = Math.Max(1, size / data.ModuleMatrix.Count);
        return svg
            ? Encoding.UTF8.GetBytes(new SvgQRCode(data).GetGraphic(perModule))
            : new PngByteQRCode(data).GetGraphic(perModule);
    }
}
