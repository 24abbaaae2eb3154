using System.CommandLine;
using SkiaSharp;

namespace FunctionsWorker.Cli;

/// <summary><c>fwjobs sample-image</c>: renders lines of text to a PNG, the demo's input.</summary>
internal static class SampleImageCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--out") { Description = "PNG to write.", Required = true };
        var lines = new Option<string[]>("--line") { Description = "A line of text (repeat for more).", Required = true };
        var command = new Command("sample-image", "Render text lines into a PNG.") { output, lines };
        command.SetAction(parse =>
        {
            var text = parse.GetValue(lines)!;
            using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
            using var font = new SKFont(typeface, 36);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            var width = (int)text.Max(line => font.MeasureText(line)) + 80;
            var height = (text.Length * 56) + 60;
            using var bitmap = new SKBitmap(width, height);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(SKColors.White);
                for (var i = 0; i < text.Length; i++)
                {
                    canvas.DrawText(text[i], 40, 70 + (i * 56), SKTextAlign.Left, font, paint);
                }
            }

            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(parse.GetValue(output)!.FullName, data.ToArray());
            Console.WriteLine($"wrote {parse.GetValue(output)!.FullName} ({width}x{height})");
            return 0;
        });
        return command;
    }
}
