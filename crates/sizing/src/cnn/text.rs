//! A compact, line-per-layer text format for networks, made to be typed and read:
//!
//! ```text
//! # name:  type  arguments            options
//! conv1_1: conv  64 3x3               pad=1
//! pool1:   maxpool 2x2                stride=2
//! fc1:     fc    4096
//! short:   conv  256 1x1              stride=2 bias=no from=block_in
//! sum:     add   short
//! ```
//!
//! Layer types: `conv FILTERS KxK`, `maxpool KxK`, `avgpool KxK`, `gap`
//! (global average pool), `adaptiveavgpool HxW`, `flatten`, `fc UNITS`, `bn`,
//! `add OTHER`. Options: `stride=`, `pad=`, `groups=`, `bias=yes|no`, `from=`.
//! A size is `3x3`, `3×3` or `3`. Defaults: stride 1 for conv and the window
//! size for pooling; pad 0; groups 1; bias yes. `from=` names the layer whose
//! output this one reads (`input` is the image); without it a layer reads the
//! one above. `#` starts a comment. A layer without a name is called `layerN`.

use super::layer::{Layer, LayerKind, Network, Pair, PoolOp, pair_text};

/// Largest value accepted for filters, units, kernel, stride, padding and groups.
pub const MAX_ARGUMENT: u32 = 1_000_000;

/// A problem in the text, with the 1-based line it is on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// A parsed network and, for each layer, the 1-based line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub network: Network,
    pub lines: Vec<usize>,
}

const TYPES: &str = "conv, maxpool, avgpool, gap, adaptiveavgpool, flatten, fc, bn, add";

/// A line's problem; a message that quotes a long paste is cut at 200
/// characters, so it is not repeated back whole.
fn err(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: crate::input::clip(&message.into(), 200),
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn number(text: &str, what: &str, min: u32, line: usize) -> Result<u32, ParseError> {
    let value: u64 = text.parse().map_err(|_| {
        if text.starts_with('-') {
            err(
                line,
                format!("{what} must be a whole number ≥ {min}, not {text}"),
            )
        } else {
            err(line, format!("{what} must be a whole number, not '{text}'"))
        }
    })?;
    if value < u64::from(min) {
        return Err(err(line, format!("{what} must be at least {min}")));
    }
    if value > u64::from(MAX_ARGUMENT) {
        return Err(err(
            line,
            format!(
                "{what} must be at most {}",
                crate::units::group_digits(u64::from(MAX_ARGUMENT))
            ),
        ));
    }
    Ok(value as u32)
}

fn size(text: &str, what: &str, min: u32, line: usize) -> Result<Pair, ParseError> {
    let lower = text.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(['x', '×']).collect();
    let digits = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if parts.len() > 2 || !parts.iter().all(digits) {
        return Err(err(
            line,
            format!("{what} must look like 3x3 or 3, not '{text}'"),
        ));
    }
    match parts.as_slice() {
        [h, w] => Ok(Pair::new(
            number(h, what, min, line)?,
            number(w, what, min, line)?,
        )),
        _ => Ok(Pair::square(number(parts[0], what, min, line)?)),
    }
}

#[derive(Default)]
struct Options<'a> {
    stride: Option<Pair>,
    pad: Option<Pair>,
    groups: Option<u32>,
    bias: Option<bool>,
    from: Option<&'a str>,
}

fn options<'a>(
    tokens: &[&'a str],
    allowed: &[&str],
    op: &str,
    line: usize,
) -> Result<Options<'a>, ParseError> {
    let mut o = Options::default();
    for token in tokens {
        let Some((key, value)) = token.split_once('=') else {
            return Err(err(
                line,
                format!(
                    "unexpected '{token}' after {op}; options look like key=value ({})",
                    allowed.join(", ")
                ),
            ));
        };
        let key = key.to_ascii_lowercase();
        let key = if key == "padding" {
            "pad".to_string()
        } else {
            key
        };
        if !allowed.contains(&key.as_str()) {
            return Err(err(
                line,
                format!(
                    "{op} has no option '{key}'; it takes {}",
                    allowed.join(", ")
                ),
            ));
        }
        let duplicate = || err(line, format!("option '{key}' is given twice"));
        match key.as_str() {
            "stride" => {
                if o.stride.replace(size(value, "stride", 1, line)?).is_some() {
                    return Err(duplicate());
                }
            }
            "pad" => {
                if o.pad.replace(size(value, "pad", 0, line)?).is_some() {
                    return Err(duplicate());
                }
            }
            "groups" => {
                if o.groups
                    .replace(number(value, "groups", 1, line)?)
                    .is_some()
                {
                    return Err(duplicate());
                }
            }
            "bias" => {
                let b = match value.to_ascii_lowercase().as_str() {
                    "yes" | "true" | "1" => true,
                    "no" | "false" | "0" => false,
                    _ => return Err(err(line, format!("bias must be yes or no, not '{value}'"))),
                };
                if o.bias.replace(b).is_some() {
                    return Err(duplicate());
                }
            }
            "from" => {
                if !valid_name(value) {
                    return Err(err(
                        line,
                        format!("from= needs a layer name, not '{value}'"),
                    ));
                }
                if o.from.replace(value).is_some() {
                    return Err(duplicate());
                }
            }
            _ => unreachable!("allowed keys are handled above"),
        }
    }
    Ok(o)
}

fn positional<'a>(
    args: &[&'a str],
    count: usize,
    usage: &str,
    line: usize,
) -> Result<(Vec<&'a str>, Vec<&'a str>), ParseError> {
    let given = args.iter().take_while(|t| !t.contains('=')).count();
    if given != count {
        return Err(err(line, format!("expected {usage}")));
    }
    Ok((args[..count].to_vec(), args[count..].to_vec()))
}

fn parse_layer(
    op: &str,
    args: &[&str],
    line: usize,
) -> Result<(LayerKind, Option<String>), ParseError> {
    let from = |o: &Options| o.from.map(str::to_string);
    match op {
        "conv" | "conv2d" => {
            let (pos, rest) =
                positional(args, 2, "conv FILTERS KxK, e.g. conv 64 3x3 pad=1", line)?;
            let filters = number(pos[0], "filters", 1, line)?;
            let kernel = size(pos[1], "kernel", 1, line)?;
            let o = options(
                &rest,
                &["stride", "pad", "groups", "bias", "from"],
                "conv",
                line,
            )?;
            Ok((
                LayerKind::Conv {
                    filters,
                    kernel,
                    stride: o.stride.unwrap_or(Pair::square(1)),
                    padding: o.pad.unwrap_or(Pair::square(0)),
                    groups: o.groups.unwrap_or(1),
                    bias: o.bias.unwrap_or(true),
                },
                from(&o),
            ))
        }
        "maxpool" | "avgpool" => {
            let (pos, rest) =
                positional(args, 1, &format!("{op} KxK, e.g. {op} 2x2 stride=2"), line)?;
            let kernel = size(pos[0], "window", 1, line)?;
            let o = options(&rest, &["stride", "pad", "from"], op, line)?;
            Ok((
                LayerKind::Pool {
                    op: if op == "maxpool" {
                        PoolOp::Max
                    } else {
                        PoolOp::Avg
                    },
                    kernel,
                    stride: o.stride.unwrap_or(kernel),
                    padding: o.pad.unwrap_or(Pair::square(0)),
                },
                from(&o),
            ))
        }
        "gap" | "globalavgpool" => {
            let (_, rest) = positional(
                args,
                0,
                "gap with no size (it averages each whole feature map)",
                line,
            )?;
            let o = options(&rest, &["from"], op, line)?;
            Ok((LayerKind::GlobalAvgPool, from(&o)))
        }
        "adaptiveavgpool" => {
            let (pos, rest) = positional(
                args,
                1,
                "adaptiveavgpool HxW, e.g. adaptiveavgpool 6x6",
                line,
            )?;
            let output = size(pos[0], "output size", 1, line)?;
            let o = options(&rest, &["from"], op, line)?;
            Ok((LayerKind::AdaptiveAvgPool { output }, from(&o)))
        }
        "flatten" => {
            let (_, rest) = positional(args, 0, "flatten with no arguments", line)?;
            let o = options(&rest, &["from"], op, line)?;
            Ok((LayerKind::Flatten, from(&o)))
        }
        "fc" | "dense" | "linear" => {
            let (pos, rest) = positional(args, 1, "fc UNITS, e.g. fc 4096", line)?;
            let units = number(pos[0], "units", 1, line)?;
            let o = options(&rest, &["bias", "from"], "fc", line)?;
            Ok((
                LayerKind::Dense {
                    units,
                    bias: o.bias.unwrap_or(true),
                },
                from(&o),
            ))
        }
        "bn" | "batchnorm" => {
            let (_, rest) = positional(args, 0, "bn with no arguments", line)?;
            let o = options(&rest, &["from"], op, line)?;
            Ok((LayerKind::BatchNorm, from(&o)))
        }
        "add" => {
            let (pos, rest) = positional(
                args,
                1,
                "add OTHER, the layer whose output is added, e.g. add block1_in",
                line,
            )?;
            if !valid_name(pos[0]) {
                return Err(err(
                    line,
                    format!("add needs a layer name, not '{}'", pos[0]),
                ));
            }
            let o = options(&rest, &["from"], op, line)?;
            Ok((
                LayerKind::Add {
                    other: pos[0].to_string(),
                },
                from(&o),
            ))
        }
        _ => Err(err(
            line,
            format!("unknown layer type '{op}'; expected one of {TYPES}"),
        )),
    }
}

/// Parse the text format. Problems are reported with their line; shapes and
/// references are checked later by [`analyze`](super::analyze).
pub fn parse(text: &str) -> Result<Parsed, ParseError> {
    let mut layers = Vec::new();
    let mut lines = Vec::new();
    // Whether each layer's name is the default one (the line gives none).
    let mut auto = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        if layers.len() == super::analysis::MAX_LAYERS {
            return Err(err(
                line,
                format!(
                    "a network can have at most {} layers",
                    super::analysis::MAX_LAYERS
                ),
            ));
        }
        let (name, body) = match content.split_once(':') {
            Some((name, body)) => {
                let name = name.trim();
                if !valid_name(name) {
                    return Err(err(
                        line,
                        format!(
                            "'{name}' is not a valid layer name; use letters, digits, _ . and -"
                        ),
                    ));
                }
                (Some(name.to_string()), body.trim())
            }
            None => (None, content),
        };
        let tokens: Vec<&str> = body.split_whitespace().collect();
        let Some((op, args)) = tokens.split_first() else {
            return Err(err(
                line,
                format!(
                    "layer '{}' has no type; expected one of {TYPES}",
                    name.unwrap_or_default()
                ),
            ));
        };
        let (kind, from) = parse_layer(&op.to_ascii_lowercase(), args, line)?;
        auto.push(name.is_none());
        let name = name.unwrap_or_else(|| format!("layer{}", layers.len() + 1));
        layers.push(Layer { name, kind, from });
        lines.push(line);
    }
    // An unnamed line's name never takes one the text gives another line
    // ("layer2: conv …" then an unnamed second line: layer2_2).
    let given: std::collections::HashSet<String> = layers
        .iter()
        .zip(&auto)
        .filter(|(_, a)| !**a)
        .map(|(l, _)| l.name.clone())
        .collect();
    let mut used = given.clone();
    for (i, (l, a)) in layers.iter_mut().zip(&auto).enumerate() {
        if *a && given.contains(&l.name) {
            let mut k = 2;
            while used.contains(&format!("layer{}_{k}", i + 1)) {
                k += 1;
            }
            l.name = format!("layer{}_{k}", i + 1);
        }
        used.insert(l.name.clone());
    }
    Ok(Parsed {
        network: Network { layers },
        lines,
    })
}

fn size_text(p: Pair) -> String {
    format!("{}x{}", p.h, p.w)
}

fn pair_option(key: &str, p: Pair) -> String {
    format!("{key}={}", pair_text(p).replace('×', "x"))
}

/// Render a network in the text format; `parse(&render(n))` gives `n` back.
pub fn render(network: &Network) -> String {
    let width = network
        .layers
        .iter()
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(0)
        + 1;
    let mut out = String::new();
    for layer in &network.layers {
        let mut parts: Vec<String> = vec![layer.kind.keyword().to_string()];
        match &layer.kind {
            LayerKind::Conv {
                filters,
                kernel,
                stride,
                padding,
                groups,
                bias,
            } => {
                parts.push(filters.to_string());
                parts.push(size_text(*kernel));
                if *stride != Pair::square(1) {
                    parts.push(pair_option("stride", *stride));
                }
                if *padding != Pair::square(0) {
                    parts.push(pair_option("pad", *padding));
                }
                if *groups != 1 {
                    parts.push(format!("groups={groups}"));
                }
                if !bias {
                    parts.push("bias=no".to_string());
                }
            }
            LayerKind::Pool {
                kernel,
                stride,
                padding,
                ..
            } => {
                parts.push(size_text(*kernel));
                if stride != kernel {
                    parts.push(pair_option("stride", *stride));
                }
                if *padding != Pair::square(0) {
                    parts.push(pair_option("pad", *padding));
                }
            }
            LayerKind::AdaptiveAvgPool { output } => parts.push(size_text(*output)),
            LayerKind::Dense { units, bias } => {
                parts.push(units.to_string());
                if !bias {
                    parts.push("bias=no".to_string());
                }
            }
            LayerKind::Add { other } => parts.push(other.clone()),
            LayerKind::GlobalAvgPool | LayerKind::Flatten | LayerKind::BatchNorm => {}
        }
        if let Some(from) = &layer.from {
            parts.push(format!("from={from}"));
        }
        let label = format!("{}:", layer.name);
        out.push_str(&format!("{label:<w$} {}\n", parts.join(" "), w = width + 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_layer_type() {
        let text = "\
# a small network
c1: conv 64 3x3 pad=1
    maxpool 2x2
c2: conv 32 3×1 stride=2x1 pad=1x0 groups=2 bias=no
b:  bn
s:  conv 32 1 from=c1 stride=2
a:  add b
g:  gap
    adaptiveavgpool 6x6 from=c2
f:  flatten
d:  fc 10 bias=no   # logits
";
        let p = parse(text).unwrap();
        assert_eq!(p.lines, vec![2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        let l = &p.network.layers;
        assert_eq!(l[1].name, "layer2");
        assert_eq!(
            l[1].kind,
            LayerKind::Pool {
                op: PoolOp::Max,
                kernel: Pair::square(2),
                stride: Pair::square(2),
                padding: Pair::square(0)
            }
        );
        assert_eq!(
            l[2].kind,
            LayerKind::Conv {
                filters: 32,
                kernel: Pair::new(3, 1),
                stride: Pair::new(2, 1),
                padding: Pair::new(1, 0),
                groups: 2,
                bias: false
            }
        );
        assert_eq!(l[4].from.as_deref(), Some("c1"));
        assert_eq!(l[5].kind, LayerKind::Add { other: "b".into() });
        assert_eq!(
            l[9].kind,
            LayerKind::Dense {
                units: 10,
                bias: false
            }
        );
        assert_eq!(parse(&render(&p.network)).unwrap().network, p.network);
    }

    #[test]
    fn errors_point_at_the_line() {
        let cases = [
            (
                "conv 64",
                "line 1: expected conv FILTERS KxK, e.g. conv 64 3x3 pad=1",
            ),
            ("\n\nconv 0 3x3", "line 3: filters must be at least 1"),
            (
                "conv -4 3x3",
                "line 1: filters must be a whole number ≥ 1, not -4",
            ),
            (
                "conv 64 3x3 strid=2",
                "line 1: conv has no option 'strid'; it takes stride, pad, groups, bias, from",
            ),
            (
                "conv 64 3x3 stride=2 stride=1",
                "line 1: option 'stride' is given twice",
            ),
            (
                "relu",
                "line 1: unknown layer type 'relu'; expected one of conv, maxpool, avgpool, gap, adaptiveavgpool, flatten, fc, bn, add",
            ),
            (
                "my layer: fc 10",
                "line 1: 'my layer' is not a valid layer name; use letters, digits, _ . and -",
            ),
            ("fc 99999999999", "line 1: units must be at most 1,000,000"),
            ("fc 1.5", "line 1: units must be a whole number, not '1.5'"),
            (
                "maxpool 2x2x2",
                "line 1: window must look like 3x3 or 3, not '2x2x2'",
            ),
            (
                "x:",
                "line 1: layer 'x' has no type; expected one of conv, maxpool, avgpool, gap, adaptiveavgpool, flatten, fc, bn, add",
            ),
            (
                "fc 10 bias=maybe",
                "line 1: bias must be yes or no, not 'maybe'",
            ),
            ("flatten 3", "line 1: expected flatten with no arguments"),
        ];
        for (text, message) in cases {
            assert_eq!(parse(text).unwrap_err().to_string(), message, "{text}");
        }
    }

    #[test]
    fn an_unnamed_line_never_takes_a_name_given_to_another() {
        let p = parse("layer2: conv 8 3x3\nconv 8 3x3\nlayer2_2: conv 8 3x3\nconv 8 3x3").unwrap();
        let names: Vec<&str> = p.network.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["layer2", "layer2_3", "layer2_2", "layer4"]);
    }

    #[test]
    fn empty_text_is_an_empty_network() {
        assert!(parse("  \n# nothing\n").unwrap().network.layers.is_empty());
    }
}
