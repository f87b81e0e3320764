import journal from './meta/_journal.json';
import m0000 from './0000_furry_bucky.sql';
import m0001 from './0001_brainy_gamora.sql';
import m0002 from './0002_dazzling_mandroid.sql';
import m0003 from './0003_absurd_puma.sql';
import m0004 from './0004_wonderful_lightspeed.sql';

  export default {
    journal,
    migrations: {
      m0000,
m0001,
m0002,
m0003,
m0004
    }
  }
  