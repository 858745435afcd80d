using System.Buffers;

namespace PhoneCrm.Infrastructure.Imports;

/// <summary>
/// RFC 4180 record reader over a <see cref="TextReader"/>, written for line numbers that stay true to the file:
/// every CRLF, LF or lone CR counts one physical line, also inside quoted fields and on skipped empty lines.
/// Lenient where files are sloppy: a quote inside an unquoted field is literal, text after a closing quote is
/// appended, an unterminated quote runs to the end of the file (a field longer than <see cref="MaxFieldLength"/>
/// is cut there, so one bad quote cannot exhaust memory). Records whose fields are all blank (an empty line,
/// <c>;;;</c>) are skipped.
/// </summary>
internal sealed class CsvRecordParser
{
    /// <summary>Characters kept per field; anything longer is junk and is rejected downstream by the length limits.</summary>
    public const int MaxFieldLength = 1 << 20;

    private const int BufferSize = 1 << 16;

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly SearchValues<char> _unquotedStops;
    private static readonly SearchValues<char> _quotedStops = SearchValues.Create("\"\r\n");

    private readonly char[] _buffer = new char[BufferSize];
    private int _pos;
    private int _len;
    private bool _eof;

    private readonly List<string> _fields = new(16);
    private char[] _field = new char[256];
    private int _fieldLength;
    private bool _recordHasContent;

    public CsvRecordParser(TextReader reader, char delimiter)
    {
        _reader = reader;
        _delimiter = delimiter;
        _unquotedStops = SearchValues.Create([delimiter, '\r', '\n']);
    }

    /// <summary>Physical line the next character belongs to.</summary>
    public int Line { get; private set; } = 1;

    /// <summary>Reads the next non-blank record; false at the end of the input.</summary>
    /// <param name="materialize">False to only count records (no strings are created).</param>
    public bool TryRead(out int line, out string[] fields, bool materialize = true)
    {
        while (true)
        {
            if (!EnsureData())
            {
                line = Line;
                fields = [];
                return false;
            }

            line = Line;
            ReadRecord(materialize);
            if (_recordHasContent)
            {
                fields = materialize ? [.. _fields] : [];
                return true;
            }
        }
    }

    private void ReadRecord(bool materialize)
    {
        _fields.Clear();
        _recordHasContent = false;
        while (true)
        {
            _fieldLength = 0;
            var end = ReadField();
            EndField(materialize);
            if (end)
            {
                return;
            }
        }
    }

    // Reads one field; returns true when it ended the record (line end or end of input).
    private bool ReadField()
    {
        if (!EnsureData())
        {
            return true;
        }

        if (_buffer[_pos] == '"')
        {
            _pos++;
            if (ReadQuoted())
            {
                return true; // unterminated quote at end of input
            }
        }

        // Unquoted (or the rest after a closing quote).
        var c = AppendUntil(_unquotedStops);
        if (c == _delimiter)
        {
            return false;
        }

        if (c >= 0)
        {
            ConsumeLineEnd((char)c, keepInField: false);
        }

        return true;
    }

    // After the opening quote; returns true if the input ended inside the quotes.
    private bool ReadQuoted()
    {
        int c;
        while ((c = AppendUntil(_quotedStops)) >= 0)
        {
            if (c == '"')
            {
                if (EnsureData() && _buffer[_pos] == '"')
                {
                    Append("\"");
                    _pos++;
                    continue;
                }

                return false;
            }

            ConsumeLineEnd((char)c, keepInField: true);
        }

        return true;
    }

    // Appends the field's characters up to the first of stops and consumes it; returns it, or -1 at the end of input.
    private int AppendUntil(SearchValues<char> stops)
    {
        while (EnsureData())
        {
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var stop = span.IndexOfAny(stops);
            if (stop < 0)
            {
                Append(span);
                _pos = _len;
                continue;
            }

            Append(span[..stop]);
            _pos += stop + 1;
            return span[stop];
        }

        return -1;
    }

    // c (CR or LF) was consumed; counts one line and swallows the LF of a CRLF.
    private void ConsumeLineEnd(char c, bool keepInField)
    {
        Line++;
        if (keepInField)
        {
            Append(c == '\r' ? "\r" : "\n");
        }

        if (c == '\r' && EnsureData() && _buffer[_pos] == '\n')
        {
            _pos++;
            if (keepInField)
            {
                Append("\n");
            }
        }
    }

    private void EndField(bool materialize)
    {
        var value = _field.AsSpan(0, _fieldLength);
        if (!_recordHasContent && !value.IsWhiteSpace())
        {
            _recordHasContent = true;
        }

        if (materialize)
        {
            _fields.Add(_fieldLength == 0 ? "" : new string(value));
        }
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return;
        }

        var room = MaxFieldLength - _fieldLength;
        if (chars.Length > room)
        {
            chars = chars[..room];
        }

        if (_fieldLength + chars.Length > _field.Length)
        {
            Array.Resize(ref _field, Math.Min(MaxFieldLength, Math.Max(_field.Length * 2, _fieldLength + chars.Length)));
        }

        chars.CopyTo(_field.AsSpan(_fieldLength));
        _fieldLength += chars.Length;
    }

    private bool EnsureData()
    {
        if (_pos < _len)
        {
            return true;
        }

        if (_eof)
        {
            return false;
        }

        _len = _reader.ReadBlock(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (_len == 0)
        {
            _eof = true;
            return false;
        }

        return true;
    }
}
