#!/usr/bin/env bash
# Regenerates public/samples/shapes.mp4, the bundled sample video: 16 s, 640×360, 24 fps, H.264 with B-frames,
# four visibly different 4-second scenes (so sampled frames and attention over time are easy to read).
set -euo pipefail
cd "$(dirname "$0")/.."
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
label() { echo "drawtext=fontfile=$font:text='$1':x=24:y=h-56:fontsize=30:fontcolor=white:borderw=2:bordercolor=black"; }
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "color=c=0x1d3557:s=640x360:r=24:d=4" \
  -f lavfi -i "color=c=0x2a9d8f:s=640x360:r=24:d=4" \
  -f lavfi -i "color=c=0x264653:s=640x360:r=24:d=4" \
  -f lavfi -i "color=c=0xf1faee:s=640x360:r=24:d=4" \
  -f lavfi -i "color=c=0xe63946:s=90x90:r=24:d=16" \
  -f lavfi -i "color=c=0xffd166:s=40x40:r=24:d=4" \
  -filter_complex "\
[0][4]overlay=x='20+t*130':y=120:shortest=1,$(label 'a red square moves right')[s0];\
[5]scale=w='40+t*70':h='40+t*50':eval=frame[grow];[1][grow]overlay=x='(W-w)/2':y='(H-h)/2-20':shortest=1,$(label 'a yellow square grows')[s1];\
[2]drawtext=fontfile=$font:text='%{eif\:3-floor(t)\:d}':x=(w-tw)/2:y=(h-th)/2-20:fontsize=140:fontcolor=0xe9c46a,$(label 'a countdown')[s2];\
[3][4]overlay=x=275:y='10+t*60':shortest=1,$(label 'a red square falls')[s3];\
[s0][s1][s2][s3]concat=n=4:v=1:a=0,format=yuv420p[v]" \
  -map "[v]" -c:v libx264 -preset slow -crf 26 -bf 2 -g 48 -movflags +faststart public/samples/shapes.mp4
ls -l public/samples/shapes.mp4
