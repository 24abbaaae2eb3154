using System.Globalization;
using System.Text;

namespace FunctionsWorker.Chaos;

/// <summary>A small line chart written as SVG by hand: a few series over one x axis, with axes, ticks and a legend.</summary>
internal sealed class SvgChart(string title, string xLabel, string yLabel)
{
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
    private readonly List<(string Name, IReadOnlyList<(double X, double Y)> Points)> _series = [];

    public SvgChart Add(string name, IEnumerable<(double X, double Y)> points)
    {
        _series.Add((name, points.ToList()));
        return this;
    }

    public string Render(int width = 800, int height = 400)
    {
        const int left = 70, right = 20, top = 40, bottom = 50;
        var all = _series.SelectMany(s => s.Points).ToList();
        var xMax = Nice(all.Count == 0 ? 1 : all.Max(p => p.X));
        var yMax = Nice(all.Count == 0 ? 1 : all.Max(p => p.Y) * 1.1);
        double Px(double x) => left + (x / xMax * (width - left - right));
        double Py(double y) => height - bottom - (y / yMax * (height - top - bottom));
        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append(Inv($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        svg.Append(Inv($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>"));
        for (var i = 0; i <= 5; i++)
        {
            var y = yMax * i / 5;
            var x = xMax * i / 5;
            svg.Append(Inv($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{Py(y):F1}\" y2=\"{Py(y):F1}\" stroke=\"#ddd\"/>"));
            svg.Append(Inv($"<text x=\"{left - 6}\" y=\"{Py(y) + 4:F1}\" text-anchor=\"end\">{y:G4}</text>"));
            svg.Append(Inv($"<text x=\"{Px(x):F1}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">{x:G5}</text>"));
        }

        svg.Append(Inv($"<line x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{height - bottom}\" stroke=\"black\"/>"));
        svg.Append(Inv($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{height - bottom}\" y2=\"{height - bottom}\" stroke=\"black\"/>"));
        svg.Append(Inv($"<text x=\"{(left + width - right) / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">{Escape(xLabel)}</text>"));
        svg.Append(Inv($"<text x=\"16\" y=\"{(top + height - bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(top + height - bottom) / 2})\">{Escape(yLabel)}</text>"));
        for (var s = 0; s < _series.Count; s++)
        {
            var (name, points) = _series[s];
            var color = Colors[s % Colors.Length];
            var path = string.Join(' ', points.Select(p => Inv($"{Px(p.X):F1},{Py(p.Y):F1}")));
            svg.Append(Inv($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{path}\"/>"));
            svg.Append(Inv($"<rect x=\"{left + 10}\" y=\"{top + 4 + (s * 16)}\" width=\"12\" height=\"3\" fill=\"{color}\"/>"));
            svg.Append(Inv($"<text x=\"{left + 28}\" y=\"{top + 10 + (s * 16)}\">{Escape(name)}</text>"));
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static double Nice(double max)
    {
        if (max <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= max)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
