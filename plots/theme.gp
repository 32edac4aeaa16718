# plots/theme.gp - the look of every chart clobber draws.
#
# Every script `clobber plot` writes (plots/NAME/*.gp) loads this file
# before it draws, so a change here restyles every chart: rerun a script
# by hand (cd plots/NAME && gnuplot CHART.gp), or run `clobber plot` again.
# When a chart directory has no theme.gp above it (`clobber plot -o DIR`
# outside this repository), clobber writes its built-in copy of this file
# there, and never overwrites one that exists.
#
# Series are told apart three ways at once, so that they stay apart in
# greyscale print and for colour-blind readers: colour, dash pattern and
# point shape.  The colours are Okabe and Ito's colour-blind-safe palette
# ("Color Universal Design", 2008), without its yellow, which is hard to
# see on white, and ordered so that the first ones contrast most with white.

# Fonts: every text of every chart.
theme_font = 'sans,10'
theme_title_font = 'sans,11'

# Series 1 to 8: colour, dash pattern, point shape.  A series is line type
# N in the scripts (lt N); the ninth reuses the first.
set linetype 1 lc rgb '#0072B2' lw 2 dt 1 pt 7 ps 0.9     # blue, solid, filled circle
set linetype 2 lc rgb '#D55E00' lw 2 dt 2 pt 5 ps 0.9     # vermillion, dashed, filled square
set linetype 3 lc rgb '#009E73' lw 2 dt 3 pt 9 ps 1.1     # bluish green, dotted, filled triangle
set linetype 4 lc rgb '#CC79A7' lw 2 dt 4 pt 13 ps 1.1    # reddish purple, dash-dot, filled diamond
set linetype 5 lc rgb '#000000' lw 2 dt 5 pt 11 ps 1.1    # black, dash-dot-dot, filled inverted triangle
set linetype 6 lc rgb '#E69F00' lw 2 dt (8,3,2,3) pt 6 ps 1.0   # orange, open circle
set linetype 7 lc rgb '#56B4E9' lw 2 dt (2,2) pt 4 ps 1.0       # sky blue, open square
set linetype 8 lc rgb '#7F7F7F' lw 2 dt (12,4) pt 8 ps 1.0      # grey, open triangle
set linetype cycle 8

# Lines drawn over each other: each series of a group that overlaps is
# drawn wider than the one drawn after it, by this much, so that every one
# shows as a band around the next.  Each series' points are moved sideways
# by this fraction of the x axis times its place (0: not at all), so that
# no marker hides another.
theme_overlap_lw = 2.2
theme_dodge = 0.008

# Axes, grid, key.
set border 3 lc rgb '#404040' lw 1
set tics nomirror out scale 0.6 textcolor rgb '#202020'
set grid back lc rgb '#e4e4e4' lw 1 dt 1
set key textcolor rgb '#202020'
set errorbars small
set style fill solid 0.6 border lc rgb '#303030'   # bars: light enough that their intervals show
